// The portal's entry point: the page's frame in the chosen language, the hash routes
// (#/login, #/home, #/claims/ID, ...) and the session's state as the pages learn it (the session
// itself is an HttpOnly cookie that no script reads).
import { api } from './api.js';
import { announce, replace } from './dom.js';
import { initialLanguage, language, setLanguage, t } from './i18n.js';
import { activatePage, loginPage, resendPage } from './account.js';
import { homePage } from './home.js';
import { declarePage, familyPage, removePage } from './family.js';
import { claimPage, claimsPage, newClaimPage } from './claims.js';
import { paymentModePage } from './payment.js';

// [pattern, page, needs a session]
const ROUTES = [
  [/^\/activate$/, activatePage, false],
  [/^\/login$/, loginPage, false],
  [/^\/resend$/, resendPage, false],
  [/^\/home$/, homePage, true],
  [/^\/family$/, familyPage, true],
  [/^\/family\/declare$/, declarePage, true],
  [/^\/family\/remove\/([0-9A-Za-z-]+)$/, removePage, true],
  [/^\/claims$/, claimsPage, true],
  [/^\/claims\/new$/, newClaimPage, true],
  [/^\/claims\/([0-9A-Za-z-]+)$/, claimPage, true],
  [/^\/payment-mode$/, paymentModePage, true],
];

// What every page is given: where to draw, how to go elsewhere, and the session's state.
const portal = {
  main: null,
  signedIn: false,
  // Said once the next page is drawn (a result that leads to another page).
  notice: '',
  notify(text) {
    portal.notice = text;
  },
  // Set by a page that learnt the person's preferred language (/v1/me).
  preferLanguage(lang) {
    if (localStorage.getItem('himaya.language') || lang === language()) return false;
    setLanguage(lang);
    frame();
    return true;
  },
  go(route) {
    if (location.hash === `#${route}`) render();
    else location.hash = `#${route}`;
  },
  signIn() {
    portal.signedIn = true;
    frame();
  },
  // The session ended (logged out, expired, revoked): back to the login page with `notice`.
  signOut(notice) {
    portal.signedIn = false;
    portal.notice = notice ? t(notice) : '';
    frame();
    portal.go('/login');
  },
};

// The page's static texts, lang and dir, and the navigation for a person signed in.
function frame() {
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-alt]')) element.alt = t(element.dataset.i18nAlt);
  for (const element of document.querySelectorAll('[data-i18n-aria-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nAriaLabel));
  }
  document.getElementById('language').lang = language() === 'ar' ? 'fr' : 'ar';
  document.getElementById('nav').hidden = !portal.signedIn;
  document.title = `${t('app.name')} — ${document.querySelector('main h1')?.textContent || t('app.tagline')}`;
  for (const link of document.querySelectorAll('#nav a')) {
    const here =
      location.hash === link.getAttribute('href') || location.hash.startsWith(`${link.getAttribute('href')}/`);
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

let rendering = 0;

async function render() {
  const path = location.hash.replace(/^#/, '');
  if (!path.startsWith('/')) {
    // "#main" (the skip link) is no route.
    if (!path) portal.go('/home');
    return;
  }
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  if (!route) {
    portal.go('/home');
    return;
  }
  const [pattern, page] = route;
  const params = pattern.exec(path).slice(1).map(decodeURIComponent);
  const mine = ++rendering;
  announce('');
  try {
    await page(portal, ...params);
  } catch (error) {
    if (error && error.code === 'UNAUTHENTICATED' && mine === rendering) {
      portal.signOut(portal.signedIn ? 'login.expired' : '');
      return;
    }
    throw error;
  }
  if (mine !== rendering) return;
  frame();
  if (portal.notice) {
    announce(portal.notice);
    portal.notice = '';
  }
  // The new page's title takes the focus, as a screen reader user expects after a navigation.
  const title = portal.main.querySelector('h1');
  if (title && !portal.main.contains(document.activeElement)) {
    title.setAttribute('tabindex', '-1');
    title.focus({ preventScroll: false });
  }
}

function start() {
  portal.main = document.getElementById('main');
  setLanguage(initialLanguage());
  document.getElementById('language').addEventListener('click', () => {
    setLanguage(language() === 'ar' ? 'fr' : 'ar', { remember: true });
    render();
  });
  document.getElementById('logout').addEventListener('click', async () => {
    try {
      await api.logOut();
    } catch {
      // Already ended: the cookie is no longer a session either way.
    }
    portal.signOut('login.signed_out');
  });
  replace(portal.main);
  frame();
  window.addEventListener('hashchange', render);
  render();
}

start();
