// The home page: who the person is, whether they are covered today (and until when, or why
// not), their family with each one's coverage, the certificate to download, and the way to their
// payment mode.
import { api, CERTIFICATE_URL, pick } from './api.js';
import { h, replace } from './dom.js';
import { formatDay, has, t } from './i18n.js';
import { familyTable, fullName } from './family.js';

// The reason a person is not covered, in words.
export function coverageReason(code) {
  return has(`coverage.${code}`) ? t(`coverage.${code}`) : t('coverage.OTHER');
}

export async function homePage(portal) {
  const [person, eligibility, family] = await Promise.all([api.me(), api.eligibility(), api.family()]);
  portal.signIn();
  const lang = pick(person, 'preferred_language', '');
  if (portal.preferLanguage(lang)) {
    // Drawn again in the person's language.
    return homePage(portal);
  }
  const name = fullName(person);
  const covered = Boolean(pick(eligibility, 'covered', false));
  const until = pick(eligibility, 'covered_until', '');
  const coverage = covered
    ? until
      ? t('home.covered_until', { date: formatDay(until) })
      : t('home.covered')
    : t('home.not_covered', { reason: coverageReason(pick(eligibility, 'reason', '')) });
  replace(
    portal.main,
    h('h1', {}, t('home.welcome', { name })),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'coverage-title' },
      h('h2', { id: 'coverage-title' }, t('home.title')),
      h('p', { class: covered ? 'coverage covered' : 'coverage not-covered', id: 'coverage' }, coverage),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('field.registration_number')),
        h('dd', { dir: 'ltr' }, pick(person, 'registration_number', '')),
        h('dt', {}, t('field.program')),
        h('dd', {}, pick(eligibility, 'program', '') || pick(person, 'program', '')),
      ),
      h(
        'p',
        {},
        h(
          'a',
          { class: 'button', href: CERTIFICATE_URL, download: 'attestation.pdf', id: 'certificate' },
          t('home.certificate'),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'family-title' },
      h('h2', { id: 'family-title' }, t('home.family_title')),
      familyTable(pick(family, 'beneficiaries', []), { actions: false }),
      h('p', {}, h('a', { href: '#/family/declare', class: 'button secondary' }, t('family.declare'))),
    ),
    h('p', {}, h('a', { href: '#/claims' }, t('home.claims_link'))),
    h('p', {}, h('a', { href: '#/payment-mode', id: 'payment-link' }, t('home.payment_link'))),
  );
}
