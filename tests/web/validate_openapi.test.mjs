// validate_openapi.mjs itself: a valid document passes, and each kind of fault it must catch
// fails it with its reason (a validator that never fails would prove nothing).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'validate_openapi.mjs');
const dir = mkdtempSync(join(tmpdir(), 'openapi-'));

const op = (id) => ({ operationId: id, responses: { 200: { description: 'ok' } } });
function documentWith(changes = {}) {
  return {
    openapi: '3.0.3',
    info: { title: 'himaya', version: '1' },
    paths: {
      '/v1/sessions': { post: op('CreateSession') },
      '/v1/accounts:activate': { post: op('ActivateAccount') },
      '/v1/me': { get: op('GetPerson') },
      '/v1/me/family': { post: op('DeclareFamilyMember') },
      '/v1/me/family/{beneficiary_id}': {
        delete: {
          ...op('RemoveFamilyMember'),
          parameters: [{ name: 'beneficiary_id', in: 'path', required: true, schema: { type: 'string' } }],
        },
      },
      '/v1/me/claims': { post: op('SubmitClaim') },
      '/v1/me/claims/{claim_id}': {
        get: {
          ...op('GetClaim'),
          parameters: [{ name: 'claim_id', in: 'path', required: true, schema: { type: 'string' } }],
        },
      },
      '/v1/me/attestation.pdf': { get: op('GetAttestation') },
    },
    ...changes,
  };
}

function run(document) {
  const file = join(dir, `${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  return spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
}

test('a valid document passes and is counted', () => {
  const result = run(documentWith());
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /valid OpenAPI 3\.0\.3, 8 paths, 8 operations/);
});

test('faults fail it, each with its reason', () => {
  const cases = [
    [documentWith({ info: { title: 'no version' } }), /not a valid OpenAPI document/],
    [documentWith({ openapi: '2.0' }), /not OpenAPI 3/],
    [{ ...documentWith(), paths: { ...documentWith().paths, '/portal/*': { get: op('Portal') } } }, /portal's files/],
    [{ ...documentWith(), paths: { '/v1/me': { get: op('GetPerson') } } }, /POST \/v1\/me\/claims: not described/],
    [{ ...documentWith(), paths: { ...documentWith().paths, '/v1/me': { get: { responses: {} } } } }, /no operationId/],
    [
      {
        ...documentWith(),
        paths: { ...documentWith().paths, '/x': { get: { operationId: 'X', responses: { 200: {} } } } },
      },
      /not a valid OpenAPI document/,
    ],
  ];
  for (const [document, reason] of cases) {
    const result = run(document);
    assert.equal(result.status, 1, `${reason}: ${result.stdout}`);
    assert.match(result.stderr, reason);
  }
});

test('a file that is not JSON, or an address nothing answers, fails it', () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, '{"openapi": ');
  assert.equal(spawnSync(process.execPath, [script, file], { encoding: 'utf8' }).status, 1);
  const refused = spawnSync(process.execPath, [script, 'http://127.0.0.1:9/openapi.json'], { encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /validate_openapi: /);
});
