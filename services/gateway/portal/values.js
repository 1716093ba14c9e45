// What the forms send, made from what a person types or from the clock: today's date where the
// services count days, the idempotency key of a submission, an amount typed in dirhams, a RIB
// checked before it is sent.

// Today in Morocco (the services count days in Africa/Casablanca), YYYY-MM-DD.
export function casablancaToday(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Africa/Casablanca',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

// The services' today as an eligibility answer (GET /v1/me/eligibility without a date) states
// it, else casablancaToday(). A browser's own time-zone rules may lag Morocco's (Chromium's put
// Casablanca at UTC+0 when it is UTC+1), and a day off is refused by the services around midnight.
export function servicesToday(eligibility) {
  return (eligibility && typeof eligibility.date === 'string' && eligibility.date) || casablancaToday();
}

// The services' today, asked of the gateway (casablancaToday() when it cannot answer).
export async function askServicesToday(api) {
  return servicesToday(await api.eligibility().catch(() => null));
}

// A random key (printable ASCII, no spaces, 32 hex digits).
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// "150", "150.5", "150,50" -> centimes (15000, 15050, 15050); null when it is no amount.
export function parseDirhams(text) {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text || '');
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
}

// What is wrong with a RIB as typed (spaces allowed), by the registration service's rule, so that
// a typo is told before sending: '' when its 24 digits end with the key of the first 22 (97 -
// (those digits x 100 mod 97)), else RIB_DIGITS, RIB_LENGTH or RIB_KEY, the service's reasons.
export function ribProblem(text) {
  const digits = (text || '').replace(/[ \t]/g, '');
  if (/[^0-9]/.test(digits)) return 'RIB_DIGITS';
  if (digits.length !== 24) return 'RIB_LENGTH';
  let remainder = 0;
  for (const c of digits.slice(0, 22)) remainder = (remainder * 10 + Number(c)) % 97;
  return Number(digits.slice(22)) === 97 - ((remainder * 100) % 97) ? '' : 'RIB_KEY';
}
