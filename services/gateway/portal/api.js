// The gateway's JSON API as the portal uses it: one function per route, the session travelling
// in its HttpOnly cookie, and every failure thrown as an ApiError read from the one error
// envelope ({"error": {"code", "message", "field", "request_id"}}).

export class ApiError extends Error {
  constructor(status, envelope = {}, retryAfter = 0) {
    super(envelope.code || 'UNKNOWN');
    this.status = status;
    // The gRPC code name (INVALID_ARGUMENT, ...), NETWORK when the gateway was not reached.
    this.code = envelope.code || 'UNKNOWN';
    // The services' reason code leading the message ("SPOUSE_LIMIT: ..."), when there is one.
    this.reason = reasonOf(envelope.message);
    // The request field at fault: the envelope's, else the one the message names ("code: ...").
    this.field = envelope.field || fieldOf(envelope.message);
    this.requestId = envelope.request_id || envelope.requestId || '';
    this.retryAfter = retryAfter;
  }
}

// "SPOUSE_LIMIT: a spouse ..." -> SPOUSE_LIMIT; "INVALID_CREDENTIALS" -> INVALID_CREDENTIALS.
export function reasonOf(message) {
  const m = /^([A-Z][A-Z0-9_]{2,})(?::|$)/.exec(message || '');
  return m ? m[1] : '';
}

// "code: expired" -> code; "items[0].act_code: unknown" -> items[0].act_code.
export function fieldOf(message) {
  const rest = (message || '').replace(/^[A-Z][A-Z0-9_]{2,}: /, '');
  const m = /^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*)*): /.exec(rest);
  return m ? m[1] : '';
}

// A field of a proto JSON object, whether the gateway prints proto names or lowerCamelCase.
export function pick(object, name, fallback = undefined) {
  if (!object) return fallback;
  if (name in object) return object[name];
  const camel = name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  return camel in object ? object[camel] : fallback;
}

async function call(method, path, { body, query } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
    const text = params.toString();
    if (text) url += `?${text}`;
  }
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { code: 'NETWORK' });
  }
  const text = await response.text();
  let json = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = {};
    }
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('Retry-After') || 0);
    throw new ApiError(response.status, json.error || { code: codeOfStatus(response.status) }, retryAfter);
  }
  return json;
}

function codeOfStatus(status) {
  return (
    {
      400: 'INVALID_ARGUMENT',
      401: 'UNAUTHENTICATED',
      403: 'PERMISSION_DENIED',
      404: 'NOT_FOUND',
      409: 'ALREADY_EXISTS',
      429: 'RESOURCE_EXHAUSTED',
      503: 'UNAVAILABLE',
      504: 'DEADLINE_EXCEEDED',
    }[status] || 'UNKNOWN'
  );
}

// The certificate's address: a plain link downloads it with the session's cookie.
export const CERTIFICATE_URL = '/v1/me/attestation.pdf';

export const api = {
  activate: (registration_number, code, password) =>
    call('POST', '/v1/accounts:activate', { body: { registration_number, code, password } }),
  resendCode: (registration_number) => call('POST', '/v1/accounts:resend-code', { body: { registration_number } }),
  logIn: (registration_number, password) => call('POST', '/v1/sessions', { body: { registration_number, password } }),
  logOut: () => call('DELETE', '/v1/sessions/current'),
  me: () => call('GET', '/v1/me'),
  eligibility: () => call('GET', '/v1/me/eligibility'),
  family: () => call('GET', '/v1/me/family'),
  declare: (member) => call('POST', '/v1/me/family', { body: member }),
  remove: (beneficiary_id, reason, end_date) =>
    call('DELETE', `/v1/me/family/${encodeURIComponent(beneficiary_id)}`, { query: { reason, end_date } }),
  claims: (page_token) => call('GET', '/v1/me/claims', { query: { page_size: 20, page_token } }),
  claim: (claim_id) => call('GET', `/v1/me/claims/${encodeURIComponent(claim_id)}`),
  fileClaim: (claim) => call('POST', '/v1/me/claims', { body: claim }),
  paymentMode: () => call('GET', '/v1/me/payment-mode'),
  choosePaymentMode: (mode) => call('PUT', '/v1/me/payment-mode', { body: mode }),
};
