#!/usr/bin/python3
"""The insured person's whole journey through the portal in headless Chromium (Selenium).

Run by tests/e2e/portal_journey_test.cc against a real local stack, once per language:
activate the account (a wrong code first, then the SMS's), log in with the keyboard only,
see coverage, download the certificate (a PDF), declare a child and see them in the family,
remove them, choose a payment mode (a RIB's wrong key told before sending, a wallet number the
service refuses, then a RIB saved and shown masked), file a claim (a double click files once), watch it decided on the page, ask for
a new code, log out, and find the session's cookie refused afterwards. On every page: an
accessibility check (labels, alt texts, lang and dir, landmarks, contrast of the text as
rendered, touch targets, no sideways scrolling at 360 px). A screenshot of every page is kept
under --artifacts/<lang>/.

Prints one line per step; exits 1 with the reason at the first failure.
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

# What each language must show (a few strings, so that a table copied from the other language
# or a page drawn in the wrong one fails).
EXPECTED = {
    'fr': {
        'login': 'Me connecter',
        'activate': 'Activer mon compte',
        'covered': "Vous êtes couvert(e) aujourd'hui",
        'wrong_code': 'Ce code est incorrect.',
        'mismatch': 'Les deux mots de passe ne sont pas identiques.',
        'declared': 'est déclaré(e)',
        'decided': 'Décidé',
        'rejected_reason': 'quantité supérieure au maximum remboursé',
        'signed_out': 'Vous êtes déconnecté(e).',
        'resent': 'un SMS vient',
        'payment_title': 'Mode de paiement',
        'payment_none': 'pas encore choisi',
        'rib_key': 'la clé du RIB',
        'wallet_phone': 'un numéro de mobile marocain',
        'payment_saved': 'Mode de paiement enregistré',
    },
    'ar': {
        'login': 'تسجيل الدخول',
        'activate': 'تفعيل حسابي',
        'covered': 'أنتم مغطون اليوم',
        'wrong_code': 'هذا الرمز غير صحيح.',
        'mismatch': 'كلمتا المرور غير متطابقتين.',
        'declared': 'تم التصريح',
        'decided': 'تم البت فيه',
        'rejected_reason': 'الكمية تتجاوز الحد الأقصى المسترد',
        'signed_out': 'تم تسجيل خروجكم.',
        'resent': 'أرسلت رسالة قصيرة',
        'payment_title': 'طريقة الأداء',
        'payment_none': 'لم تختاروا بعد',
        'rib_key': 'مفتاح RIB',
        'wallet_phone': 'رقم هاتف محمول مغربي',
        'payment_saved': 'تم تسجيل طريقة الأداء',
    },
}

PASSWORD = 'Portail-himaya-2026'


class JourneyFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise JourneyFailed(what)


# Runs in the page: every finding of the accessibility check, as strings.
A11Y_SCRIPT = r"""
const findings = [];
const root = document.documentElement;
if (!['fr', 'ar'].includes(root.lang)) findings.push(`html lang=${root.lang}`);
if (root.dir !== (root.lang === 'ar' ? 'rtl' : 'ltr')) findings.push(`html dir=${root.dir} for lang=${root.lang}`);
if (!document.querySelector('main')) findings.push('no main landmark');
if (!document.querySelector('header')) findings.push('no banner landmark');
if (!document.title) findings.push('no title');
if (!document.querySelector('main h1')) findings.push('no h1 in main');
const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length) && getComputedStyle(e).visibility !== 'hidden';
for (const input of document.querySelectorAll('input, select, textarea')) {
  if (input.type === 'hidden') continue;
  const labelled = (input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) ||
      input.closest('label') || input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
  if (!labelled) findings.push(`input ${input.name || input.id} has no label`);
  for (const id of (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)) {
    if (!document.getElementById(id)) findings.push(`input ${input.name}: aria-describedby ${id} names nothing`);
  }
}
for (const img of document.querySelectorAll('img')) {
  if (!img.hasAttribute('alt') || (img.alt === '' && !img.closest('a'))) findings.push(`img ${img.src} without alt`);
  if (img.closest('a') && !img.alt && !img.closest('a').textContent.trim()) findings.push(`link image ${img.src} without name`);
}
for (const button of document.querySelectorAll('button, a[href]')) {
  if (!visible(button)) continue;
  if (!(button.textContent.trim() || button.getAttribute('aria-label') || button.querySelector('img[alt]:not([alt=""])'))) {
    findings.push(`${button.tagName} without a name`);
  }
}
for (const e of document.querySelectorAll('[tabindex]')) {
  if (Number(e.getAttribute('tabindex')) > 0) findings.push(`positive tabindex on ${e.tagName}`);
}
// Touch targets: buttons, inputs and button-like links at least 44 px high.
for (const e of document.querySelectorAll('button, input:not([type=checkbox]), select, a.button')) {
  if (!visible(e)) continue;
  const r = e.getBoundingClientRect();
  if (r.height < 44) findings.push(`${e.tagName} ${e.name || e.textContent.trim().slice(0, 30)} is ${r.height}px high`);
}
// Sideways scrolling on a phone.
if (document.documentElement.scrollWidth > window.innerWidth + 1) {
  findings.push(`page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
}
// Contrast of each text as rendered: its colour on the first opaque background behind it.
const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
const lum = ([r, g, b]) => {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const background = (e) => {
  for (let n = e; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
let texts = 0;
for (const e of document.querySelectorAll('body *')) {
  if (!visible(e) || e.disabled) continue;
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  texts++;
  const style = getComputedStyle(e);
  const fg = rgb(style.color).slice(0, 3);
  const [a, b] = [lum(fg), lum(background(e))].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) findings.push(`contrast ${ratio.toFixed(2)} of "${e.textContent.trim().slice(0, 30)}"`);
}
if (texts === 0) findings.push('no text checked');
return findings;
"""


class Journey:
    def __init__(self, args):
        self.args = args
        self.lang = args.lang
        self.words = EXPECTED[args.lang]
        self.base = args.base_url.rstrip('/')
        self.shots = os.path.join(args.artifacts, args.lang)
        shutil.rmtree(self.shots, ignore_errors=True)
        os.makedirs(self.shots)
        self.downloads = os.path.join(self.shots, 'downloads')
        os.makedirs(self.downloads)
        self.profile = tempfile.mkdtemp(prefix='portal-chromium-')
        self.count = 0
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for flag in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                     '--disable-background-networking', '--disable-component-update', '--disable-sync',
                     '--disable-dev-shm-usage', f'--user-data-dir={self.profile}', '--window-size=360,800',
                     '--lang=fr-FR']:
            options.add_argument(flag)
        options.add_experimental_option('prefs', {
            'download.default_directory': self.downloads,
            'download.prompt_for_download': False,
            'intl.accept_languages': 'fr-FR,fr',
        })
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
        self.driver.set_page_load_timeout(30)
        # A phone's screen: 360 CSS pixels wide, touch (a window cannot be made that narrow).
        self.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                                    {'width': 360, 'height': 780, 'deviceScaleFactor': 1, 'mobile': True})
        # Downloads allowed in headless mode, into the artefacts.
        self.driver.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': self.downloads})

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def step(self, text):
        print(f'[{self.lang}] {text}', flush=True)

    # --- waiting on the page (never a sleep as synchronisation)
    def wait(self, condition, what, timeout=None):
        try:
            return WebDriverWait(self.driver, timeout or self.args.timeout, poll_frequency=0.2,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition())
        except Exception as e:
            self.shot(f'failed-{re.sub(r"[^a-z0-9]+", "-", what.lower())[:40]}')
            raise JourneyFailed(f'{what}: not seen in time ({type(e).__name__}); page: {self.text()[:400]!r}')

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self):
        try:
            return self.driver.find_element(By.TAG_NAME, 'body').text
        except WebDriverException:
            return ''

    def page(self, route, h1_text=None):
        """Waits until route `route` shows its title (the h1), the page's language applied."""
        self.wait(lambda: self.driver.execute_script('return location.hash') == route and
                  self.driver.execute_script("return !!document.querySelector('main h1')"), f'page {route}')
        if h1_text:
            self.wait(lambda: h1_text in self.find('main h1').text, f'title "{h1_text}" on {route}')

    def go(self, route, h1_text=None):
        """Opens `route` and waits for its page. The page before it stays while the new one
        loads its data, title and all, so when the route changes its title must go first."""
        moving = self.driver.execute_script('return location.hash') != route
        before = self.driver.find_elements(By.CSS_SELECTOR, 'main h1') if moving else []
        self.driver.execute_script('location.hash = arguments[0]', route)
        if before:
            self.wait(lambda: staleness_of(before[0])(self.driver), f'the page before {route} replaced')
        self.page(route, h1_text)

    def notice(self, fragment):
        self.wait(lambda: fragment in self.find('#status').text, f'the notice "{fragment}"')

    def shot(self, name):
        self.count += 1
        path = os.path.join(self.shots, f'{self.count:02d}-{name}.png')
        self.driver.save_screenshot(path)
        return path

    def audit(self, name):
        """Screenshot and accessibility check of the page as it is."""
        self.shot(name)
        findings = self.driver.execute_script(A11Y_SCRIPT)
        check(not findings, f'accessibility of {name}: {findings}')
        errors = [e['message'] for e in self.driver.get_log('browser')
                  if e['level'] == 'SEVERE' and 'status of 4' not in e['message']]
        check(not errors, f'browser errors on {name}: {errors}')

    def field(self, field, value):
        """The form's field `field` once the page has rendered it (a select: with the option
        `value`, its options may come from a request)."""
        css = f'[data-field="{field}"]'

        def ready():
            found = self.driver.find_elements(By.CSS_SELECTOR, css)
            if not found:
                return None
            if found[0].tag_name == 'select' and not found[0].find_elements(By.CSS_SELECTOR, f'option[value="{value}"]'):
                return None
            return found[0]
        return self.wait(ready, f'the field {field}')

    def fill(self, field, value):
        element = self.field(field, value)
        if element.tag_name == 'select':
            Select(element).select_by_value(value)
        elif element.get_attribute('type') == 'date':
            # A date input takes what its locale shows; set the value as a script would.
            self.driver.execute_script(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", element, value)
        else:
            element.clear()
            element.send_keys(value)

    def submit(self, form_css):
        self.find(f'{form_css} button[type="submit"]').click()

    def field_error(self, field, fragment):
        """The API's error shown on `field`: aria-invalid, described by the error's text."""
        def shown():
            element = self.find(f'[data-field="{field}"]')
            if element.get_attribute('aria-invalid') != 'true':
                return False
            ids = (element.get_attribute('aria-describedby') or '').split()
            texts = [self.driver.find_element(By.ID, i).text for i in ids]
            return any(fragment in t for t in texts)
        self.wait(shown, f'the error "{fragment}" on {field}')

    # --- the journey
    def run(self):
        a = self.args
        self.driver.get(self.base + '/')
        self.page('#/login')
        check(self.driver.execute_script('return document.documentElement.lang') == 'fr', 'French by default')
        if self.lang == 'ar':
            self.step('switch to Arabic (right to left), remembered across a reload')
            self.find('#language').click()
            self.wait(lambda: self.driver.execute_script('return document.documentElement.dir') == 'rtl', 'dir=rtl')
            check(self.driver.execute_script('return document.documentElement.lang') == 'ar', 'lang=ar')
            self.driver.refresh()
            self.page('#/login', self.words['login'])
            check(self.driver.execute_script('return document.documentElement.dir') == 'rtl', 'Arabic kept after reload')
        self.page('#/login', self.words['login'])
        self.audit('login')

        self.step('activate: a wrong code, two passwords that differ, then the code from the SMS')
        self.go('#/activate', self.words['activate'])
        self.audit('activate')
        self.fill('registration_number', a.number)
        self.fill('code', 'ZZZZ-0000' if a.code != 'ZZZZ-0000' else 'YYYY-0000')
        self.fill('password', PASSWORD)
        self.fill('password_again', PASSWORD + 'x')
        self.submit('form')
        self.field_error('password_again', self.words['mismatch'])
        self.fill('password_again', PASSWORD)
        self.submit('form')
        self.field_error('code', self.words['wrong_code'])
        check(self.driver.execute_script("return document.activeElement.dataset.field") == 'code',
              'the field at fault takes the focus')
        self.audit('activate-error')
        self.fill('code', a.code)
        self.submit('form')
        self.page('#/login', self.words['login'])
        self.audit('activated')

        self.step('log in with the keyboard only (Tab, typing, Enter)')
        self.driver.refresh()
        self.page('#/login', self.words['login'])
        # From the top of the page, as a keyboard user arrives.
        self.driver.execute_script('document.activeElement.blur(); window.scrollTo(0, 0)')
        tabs = 0
        while self.driver.execute_script('return document.activeElement.dataset.field') != 'registration_number':
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            tabs += 1
            check(tabs < 25, 'the number field is reachable with Tab')
        focused = self.driver.switch_to.active_element
        outline = self.driver.execute_script('const s = getComputedStyle(arguments[0]); return s.outlineStyle + " " + s.outlineWidth', focused)
        check(not outline.startswith('none') and not outline.endswith(' 0px'), f'a visible focus ({outline})')
        self.driver.execute_script('arguments[0].value = ""', focused)
        focused.send_keys(a.number)
        ActionChains(self.driver).send_keys(Keys.TAB).perform()
        check(self.driver.execute_script('return document.activeElement.dataset.field') == 'password', 'Tab reaches the password')
        ActionChains(self.driver).send_keys(PASSWORD + Keys.ENTER).perform()
        self.page('#/home')

        self.step('home: coverage today, the family')
        self.wait(lambda: self.words['covered'] in self.find('#coverage').text, 'covered today')
        check(not self.find('#nav').get_attribute('hidden'), 'the navigation once signed in')
        self.audit('home')

        self.step('download the certificate')
        self.find('#certificate').click()
        pdf = self.wait(lambda: next((os.path.join(self.downloads, f) for f in os.listdir(self.downloads)
                                      if f.endswith('.pdf')), None), 'the certificate downloaded')
        self.wait(lambda: os.path.getsize(pdf) > 1000 and not any(f.endswith('.crdownload') for f in os.listdir(self.downloads)),
                  'the download finished')
        with open(pdf, 'rb') as f:
            check(f.read(5) == b'%PDF-', 'the certificate is a PDF')
        self.step(f'certificate: {os.path.getsize(pdf)} bytes of PDF')

        self.step('declare a child')
        self.go('#/family/declare')
        self.audit('declare')
        self.fill('relationship', 'RELATIONSHIP_CHILD')
        # A child of each language's own (a person is a dependent in one family only).
        child = {'fr': ('Yasmine', '2019-05-04'), 'ar': ('Salma', '2020-02-17')}[self.lang]
        self.fill('first_name', child[0])
        self.fill('last_name', 'Bennani')
        self.fill('birth_date', child[1])
        self.fill('sex', 'F')
        self.submit('#declare-form')
        self.page('#/family')
        self.notice(self.words['declared'])
        child_row = f'tr[data-beneficiary="{a.number}-01"]'
        self.wait(lambda: child[0] in self.find(child_row).text, 'the child in the family')
        check('covered' in self.find(f'{child_row} td.covered').get_attribute('class'), 'the child covered today')
        self.audit('family-declared')

        self.step('remove the child')
        self.find(f'{child_row} a.remove').click()
        self.page(f'#/family/remove/{a.number}-01')
        self.audit('remove')
        self.fill('reason', 'DECLARED_IN_ERROR')
        self.submit('#remove-form')
        self.page('#/family')
        self.wait(lambda: not self.driver.find_elements(By.CSS_SELECTOR, f'{child_row} a.remove'),
                  'the child removed (no removal left to do)')
        self.audit('family-removed')

        self.step('payment mode: a wrong RIB key told before sending, a wallet the service refuses, a RIB saved')
        self.go('#/home')
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#payment-link'), 'the payment mode link')
        self.find('#payment-link').click()
        self.page('#/payment-mode', self.words['payment_title'])
        check(self.words['payment_none'] in self.find('#payment-mode').text, 'no payment mode chosen yet')
        self.audit('payment-mode')
        self.fill('method', 'PAYMENT_METHOD_BANK_TRANSFER')
        self.fill('rib', '007 780 0001234567890123 95')
        self.submit('#payment-form')
        self.field_error('rib', self.words['rib_key'])
        check(self.driver.execute_script("return document.activeElement.dataset.field") == 'rib',
              'the RIB at fault takes the focus')
        self.fill('method', 'PAYMENT_METHOD_MOBILE_WALLET')
        self.fill('wallet_phone', '0512345678')
        self.submit('#payment-form')
        self.field_error('wallet_phone', self.words['wallet_phone'])
        self.audit('payment-mode-refused')
        self.fill('method', 'PAYMENT_METHOD_BANK_TRANSFER')
        self.fill('rib', '007 780 0001234567890123 96')
        self.submit('#payment-form')
        self.notice(self.words['payment_saved'])
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '#payment-account')
                  and self.find('#payment-account').text == '**** 2396', 'the RIB shown masked')
        check('0001234567890123' not in self.text(), 'the account never shown whole')
        self.audit('payment-mode-saved')

        self.step('file a claim: two acts, the submit button clicked twice')
        self.go('#/claims')
        self.audit('claims-empty')
        self.find('#new-claim').click()
        self.page('#/claims/new')
        self.fill('items[0].beneficiary_id', a.number)
        self.fill('items[0].act_code', 'C')
        self.fill('items[0].amount_paid', '100,00')
        self.find('#claim-form button.secondary').click()
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, '[data-field="items[1].act_code"]'), 'a second act')
        self.fill('items[1].beneficiary_id', a.number)
        self.fill('items[1].act_code', 'B.GLY')
        self.fill('items[1].quantity', '2')
        self.fill('items[1].amount_paid', '22')
        self.audit('claim-form')
        self.driver.execute_script("const b = document.getElementById('submit-claim'); b.click(); b.click();")
        self.wait(lambda: re.match(r'^#/claims/[0-9A-Za-z-]+$', self.driver.execute_script('return location.hash'))
                  and 'new' not in self.driver.execute_script('return location.hash'), 'the claim filed')
        claim_route = self.driver.execute_script('return location.hash')
        self.step(f'filed {claim_route}; waiting for the decision on the page')
        self.page(claim_route)
        self.audit('claim-received')
        self.wait(lambda: self.find('.claim-state').get_attribute('data-state') == 'DECIDED', 'the claim decided',
                  timeout=a.decision_timeout)
        self.wait(lambda: self.words['decided'] in self.find('.claim-state').text, 'the decision in words')
        check(self.words['rejected_reason'] in self.text(), 'the rejected act with its reason in words')
        outcomes = [r.get_attribute('data-outcome') for r in self.driver.find_elements(By.CSS_SELECTOR, 'table.items tbody tr')]
        check(outcomes == ['ACCEPTED', 'REJECTED'], f'the acts decided one by one: {outcomes}')
        self.audit('claim-decided')
        self.go('#/claims')
        # The claim page's title stands until the list has loaded, and the list comes in one
        # piece: wait for its rows, then count them.
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, 'table.claims tbody tr'), 'the claims listed')
        rows = self.driver.find_elements(By.CSS_SELECTOR, 'table.claims tbody tr')
        check(len(rows) == 1, f'a double click files once: {len(rows)} claims listed')
        self.audit('claims')

        self.step('log out; the session cookie no longer opens anything')
        cookie = self.driver.get_cookie('__Host-himaya_session')
        check(cookie and cookie.get('httpOnly'), f'the session is an HttpOnly cookie: {cookie}')
        check(self.request('/v1/me', cookie['value']) == 200, 'the cookie works while signed in')
        self.find('#logout').click()
        self.page('#/login', self.words['login'])
        self.notice(self.words['signed_out'])
        self.audit('signed-out')
        check(self.request('/v1/me', cookie['value']) == 401, 'the cookie is refused after logging out')

        self.step('ask for a new code (the account is active: the same answer, nothing said)')
        self.go('#/resend')
        self.fill('registration_number', a.number)
        self.submit('form')
        self.page('#/activate')
        self.notice(self.words['resent'])
        self.audit('resend')

    def request(self, path, cookie):
        request = urllib.request.Request(self.base + path, headers={'Cookie': f'__Host-himaya_session={cookie}'})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--base_url', required=True)
    parser.add_argument('--number', required=True, help='the registration number')
    parser.add_argument('--code', required=True, help='the activation code from the SMS')
    parser.add_argument('--lang', choices=sorted(EXPECTED), required=True)
    parser.add_argument('--artifacts', required=True)
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    parser.add_argument('--timeout', type=float, default=20)
    parser.add_argument('--decision_timeout', type=float, default=120)
    args = parser.parse_args()
    journey = Journey(args)
    try:
        journey.run()
    except JourneyFailed as e:
        print(f'[{args.lang}] FAILED: {e}', flush=True)
        print(f'[{args.lang}] screenshots: {journey.shots}', flush=True)
        return 1
    finally:
        journey.close()
    print(f'[{args.lang}] journey passed; {journey.count} screenshots in {journey.shots}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
