-- The gateway's own data: sessions, and the credentials and access record of its clients
-- (agents, API keys). Nothing of the domain: persons, families and claims stay in their services
-- (docs/decisions/0009-gateway.md).

-- Portal and agents' sessions. The cookie holds a random token; only its SHA-256 is kept, so a
-- copy of this table opens no session. kind: INSURED or AGENT; subject: the registration number
-- or the agent's id.
CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  roles TEXT NOT NULL DEFAULT '',
  created_at_us BIGINT NOT NULL,
  -- Sliding: pushed forward on use, never past absolute_expiry_us.
  expires_at_us BIGINT NOT NULL,
  absolute_expiry_us BIGINT NOT NULL,
  revoked_at_us BIGINT
);
CREATE INDEX sessions_by_subject ON sessions (kind, subject);
CREATE INDEX sessions_by_expiry ON sessions (expires_at_us);

-- Agents' accounts (himaya agent add). roles: comma-separated (support, supervisor).
CREATE TABLE agents (
  agent_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  roles TEXT NOT NULL,
  -- libsodium's crypto_pwhash_str (Argon2id).
  password_hash TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  disabled_at_us BIGINT
);

-- Agents' failed logins by the id given, known or not, so that an unknown id is locked out like a
-- known one and the answer tells neither: counted until a success, the id locked until
-- locked_until_us once past the limit. Rows idle longer than the lock-out are purged.
CREATE TABLE agent_login_failures (
  agent_id TEXT PRIMARY KEY,
  failed_logins INTEGER NOT NULL,
  locked_until_us BIGINT NOT NULL DEFAULT 0,
  last_failure_us BIGINT NOT NULL
);
CREATE INDEX agent_login_failures_by_last ON agent_login_failures (last_failure_us);

-- API keys of the IVR and partners. The key is `<key_id>.<secret>`; only the secret's SHA-256
-- is kept (a random 256-bit secret needs no slow hash). scopes: comma-separated (ivr, fhir).
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  revoked_at_us BIGINT
);

-- What agents read of persons (Law 09-08 on personal data): who, what, when, why. Written before
-- the answer leaves the gateway; never updated or deleted by the gateway.
CREATE TABLE access_records (
  record_id TEXT PRIMARY KEY,
  at_us BIGINT NOT NULL,
  agent_id TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX access_records_by_at ON access_records (at_us, record_id);
CREATE INDEX access_records_by_subject ON access_records (subject, at_us, record_id);
CREATE INDEX access_records_by_agent ON access_records (agent_id, at_us, record_id);
