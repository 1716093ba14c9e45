// Validates the gateway's OpenAPI document with a well-kept validator (swagger-parser: the
// OpenAPI 3 schema, then every $ref resolved) and a few facts of the routes it must describe.
//   node validate_openapi.mjs http://127.0.0.1:PORT/openapi.json   (or a file's path)
// Prints one line with what it counted; exits 1 with the validator's reasons otherwise.
import { readFile } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

async function load(where) {
  if (/^https?:\/\//.test(where)) {
    const response = await fetch(where, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`${where}: HTTP ${response.status}`);
    const type = response.headers.get('content-type') || '';
    if (!type.startsWith('application/json')) throw new Error(`${where}: Content-Type ${type}`);
    return response.json();
  }
  return JSON.parse(await readFile(where, 'utf8'));
}

// Facts beyond the schema: the routes the portal and partners use are described, the portal's
// own files are not, and every operation has an id and answers.
export function checkRoutes(api) {
  const problems = [];
  if (!/^3\./.test(api.openapi || '')) problems.push(`openapi ${api.openapi}: not OpenAPI 3`);
  const paths = api.paths || {};
  for (const [path, method] of [
    ['/v1/sessions', 'post'],
    ['/v1/accounts:activate', 'post'],
    ['/v1/me', 'get'],
    ['/v1/me/family', 'post'],
    ['/v1/me/family/{beneficiary_id}', 'delete'],
    ['/v1/me/claims', 'post'],
    ['/v1/me/claims/{claim_id}', 'get'],
    ['/v1/me/attestation.pdf', 'get'],
  ]) {
    if (!paths[path]?.[method]) problems.push(`${method.toUpperCase()} ${path}: not described`);
  }
  for (const path of Object.keys(paths)) {
    if (path === '/' || path.startsWith('/portal')) problems.push(`${path}: the portal's files are not API`);
  }
  const ids = new Set();
  let operations = 0;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      operations++;
      if (!op.operationId) problems.push(`${method.toUpperCase()} ${path}: no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${op.operationId}: used twice`);
      ids.add(op.operationId);
      if (!op.responses || Object.keys(op.responses).length === 0)
        problems.push(`${method.toUpperCase()} ${path}: no responses`);
    }
  }
  return { problems, paths: Object.keys(paths).length, operations };
}

async function main() {
  const where = process.argv[2];
  if (!where) {
    console.error('usage: node validate_openapi.mjs URL|FILE');
    process.exit(2);
  }
  let api;
  try {
    api = await load(where);
  } catch (error) {
    console.error(`validate_openapi: ${error.message}`);
    process.exit(1);
  }
  const facts = checkRoutes(api);
  try {
    // validate() changes what it is given (references resolved): give it a copy.
    await SwaggerParser.validate(structuredClone(api));
  } catch (error) {
    facts.problems.unshift(`not a valid OpenAPI document: ${error.message}`);
  }
  if (facts.problems.length) {
    for (const problem of facts.problems) console.error(`validate_openapi: ${problem}`);
    process.exit(1);
  }
  console.log(`validate_openapi: valid OpenAPI ${api.openapi}, ${facts.paths} paths, ${facts.operations} operations`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
