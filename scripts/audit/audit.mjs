#!/usr/bin/env node
// GraphQL-over-HTTP compliance audit: runs graphql-http's serverAudits against
// a running server and prints one line per audit.
//
//   node scripts/audit/audit.mjs http://localhost:8080/graphql
//   node scripts/audit/audit.mjs --print-allowlist > audit-queries.json
//
// Exit status: 0 when every MUST audit passes, 1 when any fails, 2 on a usage
// or fatal error. SHOULD and MAY audits that fail are printed as warnings and
// notices; see README.md beside this file for what normgraph leaves failing.
//
// --print-allowlist runs no audit: it prints the audits' own queries as a
// persisted-query allowlist (JSON, sha256 hex -> query), so that a server in
// allowlist mode (normgraph serve --persisted-queries FILE) can be audited too.
import { createHash } from 'node:crypto';
import { serverAudits } from 'graphql-http';

const usage = 'usage: node audit.mjs URL | --print-allowlist   (URL: the GraphQL endpoint, e.g. http://localhost:8080/graphql)';
const url = process.argv[2];
if (!url || process.argv.length > 3) {
  console.error(usage);
  process.exit(2);
}
if (url === '--print-allowlist') {
  console.log(JSON.stringify(await auditQueries(), null, 2));
  process.exit(0);
}

const label = { ok: 'PASS', error: 'FAIL', warn: 'WARN', notice: 'NOTE' };
const counts = {};
const failed = [];
for (const audit of serverAudits({ url })) {
  const level = audit.name.split(' ', 1)[0]; // MUST, SHOULD or MAY
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // serverAudits throws only on fatal errors, such as an unreachable server.
    console.error(`fatal: ${audit.id} ${audit.name}: ${err?.stack ?? err}`);
    process.exit(2);
  }
  const key = `${level} ${result.status}`;
  counts[key] = (counts[key] ?? 0) + 1;
  let line = `${label[result.status] ?? result.status} ${audit.id} ${audit.name}`;
  if (result.status !== 'ok') {
    line += `\n     reason: ${result.reason}`;
    const body = await responseText(result.response);
    if (body !== undefined) {
      line += `\n     response: ${result.response.status} ${result.response.headers.get('content-type') ?? ''} ${body}`;
    }
  }
  console.log(line);
  if (level === 'MUST' && result.status !== 'ok') {
    failed.push(audit.id);
  }
}

const summary = (level) =>
  `${level}: ${counts[`${level} ok`] ?? 0} passed, ` +
  `${(counts[`${level} error`] ?? 0) + (counts[`${level} warn`] ?? 0) + (counts[`${level} notice`] ?? 0)} failed`;
console.log(`\n${summary('MUST')}; ${summary('SHOULD')}; ${summary('MAY')}`);
if (failed.length > 0) {
  console.log(`not compliant: MUST audits failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('compliant: every MUST audit passed');

// responseText shows a failing response's body, shortened, for the log; a body
// that was already read by the audit (or cannot be) is left out.
async function responseText(res) {
  if (!res || res.bodyUsed) return undefined;
  try {
    const text = await res.text();
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return undefined;
  }
}

// auditQueries collects every string query the audits send, by running them
// against a stand-in fetch that answers nothing useful.
async function auditQueries() {
  const queries = {};
  const keep = (q) => {
    if (typeof q === 'string') queries[createHash('sha256').update(q, 'utf8').digest('hex')] = q;
  };
  const fetchFn = async (input, init = {}) => {
    keep(new URL(String(input)).searchParams.get('query') ?? undefined);
    try {
      keep(JSON.parse(String(init.body ?? 'null'))?.query);
    } catch {
      // Some audits send malformed bodies on purpose.
    }
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  for (const audit of serverAudits({ url: 'http://audit.invalid/graphql', fetchFn })) {
    try {
      await audit.fn();
    } catch {
      // Only the requests matter here, not the verdicts.
    }
  }
  return Object.fromEntries(Object.entries(queries).sort(([a], [b]) => a.localeCompare(b)));
}
