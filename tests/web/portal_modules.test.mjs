// The portal's modules that need no page (node's test runner): the messages table complete in
// both languages for every key the portal names, the language chosen, the error envelope read,
// amounts and days as the API wants them, and the CSS palette's contrast.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const portal = join(dirname(fileURLToPath(import.meta.url)), '../../services/gateway/portal');
const { MESSAGES, LANGUAGES, initialLanguage, setLanguage, t, formatDirhams } = await import(join(portal, 'i18n.js'));
const { ApiError, reasonOf, fieldOf, pick } = await import(join(portal, 'api.js'));
const { parseDirhams, casablancaToday, servicesToday, askServicesToday, newIdempotencyKey, ribProblem } = await import(
  join(portal, 'values.js')
);

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('both languages hold the same keys, none empty, with the same placeholders', () => {
  assert.deepEqual(LANGUAGES, ['fr', 'ar']);
  const fr = Object.keys(MESSAGES.fr).sort();
  assert.deepEqual(Object.keys(MESSAGES.ar).sort(), fr);
  for (const key of fr) {
    for (const lang of LANGUAGES) assert.ok(MESSAGES[lang][key].trim().length > 0, `${lang} ${key} is empty`);
    assert.deepEqual(placeholders(MESSAGES.ar[key]), placeholders(MESSAGES.fr[key]), key);
  }
  // Arabic is written in Arabic (a copy of the French would pass the checks above).
  const arabic = fr.filter((key) => /[\u0600-\u06FF]/.test(MESSAGES.ar[key]));
  assert.ok(arabic.length > fr.length * 0.9, `${fr.length - arabic.length} Arabic messages without Arabic`);
});

test('every key the page and the modules name is in the table', () => {
  const used = new Set();
  for (const name of readdirSync(portal)) {
    const text = readFileSync(join(portal, name), 'utf8');
    for (const m of text.matchAll(/\bt\('([A-Za-z0-9_.]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z0-9_.]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/'(error\.[A-Z_]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, `only ${used.size} keys found`);
  for (const key of used) assert.ok(key in MESSAGES.fr, `${key} is used but not in the table`);
});

test('the language: remembered choice, else the browser first of fr and ar, else French', () => {
  const storage = (value) => ({ getItem: () => value, setItem() {} });
  assert.equal(initialLanguage(storage('ar'), ['fr-FR']), 'ar');
  assert.equal(initialLanguage(storage(null), ['en-US', 'ar-MA', 'fr']), 'ar');
  assert.equal(initialLanguage(storage(null), ['en-US', 'fr-MA']), 'fr');
  assert.equal(initialLanguage(storage(null), ['en-US']), 'fr');
  assert.equal(initialLanguage(storage('de'), []), 'fr', 'an unknown stored language is ignored');
  const broken = {
    getItem() {
      throw new Error('denied');
    },
  };
  assert.equal(initialLanguage(broken, ['ar']), 'ar');
  let kept = null;
  setLanguage('ar', { remember: true, storage: { setItem: (k, v) => (kept = [k, v]) } });
  assert.deepEqual(kept, ['himaya.language', 'ar']);
  assert.equal(t('claims.filed', { id: 'P-1' }), 'تم تسجيل طلبكم P-1.');
  assert.match(formatDirhams('10885'), /^108[.,]85 درهم$/);
  setLanguage('fr');
  assert.equal(t('claims.filed', { id: 'P-1' }), 'Votre demande P-1 est enregistrée.');
  assert.equal(t('claims.filed'), 'Votre demande {id} est enregistrée.', 'a missing parameter stays visible');
  assert.match(formatDirhams(10885), /^108,85\sDH$/);
  setLanguage('de');
  assert.equal(t('nav.home'), 'Accueil', 'an unknown language changes nothing');
});

test('the error envelope: its reason and field read from the message when not given', () => {
  assert.equal(reasonOf('SPOUSE_LIMIT: a spouse is already covered'), 'SPOUSE_LIMIT');
  assert.equal(reasonOf('INVALID_CREDENTIALS'), 'INVALID_CREDENTIALS');
  assert.equal(reasonOf('code: wrong code'), '');
  assert.equal(reasonOf(undefined), '');
  assert.equal(fieldOf('code: expired; ask for a new one'), 'code');
  assert.equal(fieldOf('items[1].act_code: unknown'), 'items[1].act_code');
  assert.equal(fieldOf('IDEMPOTENCY_KEY_REUSED: idempotency_key: used for another file'), 'idempotency_key');
  assert.equal(fieldOf('no field here'), '');
  const error = new ApiError(400, { code: 'INVALID_ARGUMENT', message: 'birth_date: not a day', request_id: 'r-9' });
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.field, 'birth_date');
  assert.equal(error.requestId, 'r-9');
  const given = new ApiError(400, { code: 'INVALID_ARGUMENT', message: 'x: y', field: 'password' });
  assert.equal(given.field, 'password', "the envelope's field wins");
  assert.equal(new ApiError(502).code, 'UNKNOWN');
  assert.equal(pick({ covered_until: 'a' }, 'covered_until'), 'a');
  assert.equal(pick({ coveredUntil: 'b' }, 'covered_until'), 'b');
  assert.equal(pick({}, 'covered_until', 'c'), 'c');
  assert.equal(pick(null, 'x', 0), 0);
});

test('amounts in dirhams become centimes; anything else is refused', () => {
  assert.equal(parseDirhams('150'), 15000);
  assert.equal(parseDirhams('150,5'), 15050);
  assert.equal(parseDirhams(' 75.50 '), 7550);
  assert.equal(parseDirhams('0.07'), 7);
  for (const bad of ['', '-5', '1.234', '1e3', '12,', 'abc', '١٥٠', '12 000', '99999999']) {
    assert.equal(parseDirhams(bad), null, bad);
  }
});

test("a RIB is checked by the registration service's rule: 24 digits, the key of the first 22", () => {
  // Keys computed by the whole 24-digit number, a multiple of 97 (BigInt: another way than ribProblem's).
  const withKey = (first22) => {
    for (let key = 1; key <= 97; key++) {
      const rib = first22 + String(key).padStart(2, '0');
      if (BigInt(rib) % 97n === 0n) return rib;
    }
    return '';
  };
  for (const first22 of ['0077800001234567890123', '2308100000123456789012', '0000000000000000000000']) {
    const rib = withKey(first22);
    assert.equal(ribProblem(rib), '', rib);
    for (let wrong = 0; wrong <= 99; wrong++) {
      const other = first22 + String(wrong).padStart(2, '0');
      if (other !== rib) assert.equal(ribProblem(other), 'RIB_KEY', other);
    }
  }
  assert.equal(ribProblem('007 780 0001234567890123 96'), '');
  assert.equal(ribProblem(' 007\t780 0001234567890123 96 '), '');
  assert.equal(ribProblem('007780000123456789012395'), 'RIB_KEY');
  assert.equal(ribProblem('007780000123456789012396'.replace('01', '10')), 'RIB_KEY', 'two digits swapped');
  assert.equal(ribProblem(''), 'RIB_LENGTH');
  assert.equal(ribProblem('00778000012345678901239'), 'RIB_LENGTH');
  assert.equal(ribProblem('0077800001234567890123960'), 'RIB_LENGTH');
  assert.equal(ribProblem('00778000012345678901239A'), 'RIB_DIGITS');
  assert.equal(ribProblem('007-780-0001234567890123-96'), 'RIB_DIGITS');
  assert.equal(ribProblem(undefined), 'RIB_LENGTH');
});

test("today is Casablanca's and keys are printable", () => {
  assert.equal(casablancaToday(new Date('2026-01-01T23:30:00Z')), '2026-01-02');
  assert.equal(casablancaToday(new Date('2026-06-15T10:00:00Z')), '2026-06-15');
  const a = newIdempotencyKey();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(newIdempotencyKey(), a);
});

test("the services' today is the eligibility answer's date, else Casablanca's by the browser", async () => {
  assert.equal(servicesToday({ date: '2026-11-30', covered: true }), '2026-11-30');
  assert.equal(servicesToday(null), casablancaToday());
  assert.equal(servicesToday({ covered: true }), casablancaToday());
  assert.equal(servicesToday({ date: 20261130 }), casablancaToday(), 'a date that is no string is not taken');
  assert.equal(await askServicesToday({ eligibility: async () => ({ date: '2027-01-01' }) }), '2027-01-01');
  const failing = { eligibility: async () => { throw new Error('offline'); } };
  assert.equal(await askServicesToday(failing), casablancaToday());
});

// WCAG 2 relative luminance and contrast.
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('every text colour of the palette on its background: at least 4.5:1', () => {
  const css = readFileSync(join(portal, 'portal.css'), 'utf8');
  const palette = Object.fromEntries([...css.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6});/g)].map((m) => [m[1], m[2]]));
  const pairs = [
    ['ink', 'paper'],
    ['ink', 'paper-alt'],
    ['ink-muted', 'paper'],
    ['ink-muted', 'paper-alt'],
    ['on-brand', 'brand'],
    ['on-brand', 'brand-dark'],
    ['brand', 'paper'],
    ['link', 'paper'],
    ['ok-ink', 'ok-paper'],
    ['bad-ink', 'bad-paper'],
    ['bad-ink', 'paper'],
    ['on-brand', 'danger'],
  ];
  assert.ok(Object.keys(palette).length >= 12, JSON.stringify(palette));
  for (const [text, background] of pairs) {
    const ratio = contrast(palette[text], palette[background]);
    assert.ok(ratio >= 4.5, `${text} on ${background}: ${ratio.toFixed(2)}`);
  }
  assert.ok(contrast(palette.focus, palette.paper) >= 3, 'the focus ring stands out');
  assert.ok(contrast('#777777', '#ffffff') < 4.5, 'the check can fail');
});
