// Writes tests/corpus/bad-inputs.json: malformed and hostile web trigger requests, each with
// the answer the contract requires. Run `node tests/corpus/make-bad-inputs.mjs` after editing
// the cases below; the JSON file is what the tests read, and it is checked in.
//
// Requests have the Forge web trigger shape ({ method, path, headers: { Name: [values] },
// body }), except where the shape itself is the hostile part. The file keeps every line
// within 100 columns: a long string is written as { "$concat": [parts] } and a long run as
// { "$repeat": text, "times": n }; tests/corpus/bad-inputs.mjs expands both.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('./bad-inputs.json', import.meta.url));
/** Width of the file's lines, and of a string chunk within them. */
const MAX_LINE = 100;
const CHUNK_CHARS = 84;

const SECRET = 'Corpus-Secret-7d2Q-value';
const PREVIOUS_SECRET = 'Corpus-Previous-4hZw-value';
const SIGNING_SECRET = `whsec_${Buffer.from('Corpus-Signing-Key-0001!').toString('base64')}`;
/** The contract's limits, as documented: the tests of the limits themselves are in Rust. */
const OVER_BODY_LIMIT = 300_000;
const UNDER_BODY_LIMIT = 200_000;
/** A Standard Webhooks timestamp far outside the ±5 minute window. */
const STALE_TIMESTAMP = '1614265330';

const ERROR = {
  method: 'Method not allowed',
  json: 'Invalid JSON body',
  large: 'Request body too large',
  secret: 'Invalid webhook secret',
  signature: 'Invalid webhook signature',
  idempotency: 'Invalid Idempotency-Key header',
  missingAll: 'Missing required fields: name, cdnUrl, mimeType, sizeBytes',
  field: (name) => `Invalid field: ${name}`,
};

const VALID = {
  name: 'banner.png',
  cdnUrl: 'https://cdn.example.com/banner.png',
  mimeType: 'image/png',
  sizeBytes: 2048,
};
const JSON_HEADERS = { 'Content-Type': ['application/json'] };

// Templates for long strings, expanded by the loader.
const repeat = (text, times) => ({ $repeat: text, times });
const concat = (...parts) => ({ $concat: parts });

/** A valid registration authenticated by the body's secret, with `extra` merged in. */
const asset = (extra = {}) => ({ ...VALID, secret: SECRET, ...extra });
/** A valid registration without any credential. */
const bare = (extra = {}) => ({ ...VALID, ...extra });
/** JSON text of `object`, with the value of `field` replaced by the raw JSON `rawValue`. */
function splice(object, field, rawValue) {
  const mark = '@@RAW@@';
  return JSON.stringify({ ...object, [field]: mark }).replace(`"${mark}"`, rawValue);
}
/** JSON text of `object` with the raw JSON member text `rawMember` first. */
function prepend(object, rawMember) {
  return `{${rawMember},${JSON.stringify(object).slice(1)}`;
}

const post = (body, headers = JSON_HEADERS) => ({
  method: 'POST', path: '/webhook', headers, body,
});
const withHeaders = (headers, body = JSON.stringify(asset())) =>
  post(body, { ...JSON_HEADERS, ...headers });

/** @type {object[]} */
const cases = [];
/**
 * @param {string} group what the case is about
 * @param {string} name
 * @param {unknown} request
 * @param {number} statusCode
 * @param {{ error?: string, headers?: object, asset?: object }} [more]
 */
function add(group, name, request, statusCode, more = {}) {
  cases.push({ group, name, request, expect: { statusCode, ...more } });
}

// --- The method and the request's own shape -------------------------------------------------
{
  const g = 'method and shape';
  const body = JSON.stringify(asset());
  const allow = { headers: { Allow: ['POST'] } };
  add(g, 'GET', { ...post(body), method: 'GET' }, 405, { error: ERROR.method, ...allow });
  add(g, 'lowercase post', { ...post(body), method: 'post' }, 405, { error: ERROR.method });
  add(g, 'POST with a trailing space', { ...post(body), method: 'POST ' }, 405);
  add(g, 'no method at all', { path: '/webhook', headers: JSON_HEADERS, body }, 405);
  add(g, 'method is a number', { ...post(body), method: 1 }, 405, { error: ERROR.method });
  add(g, 'method is an array', { ...post(body), method: ['POST'] }, 405);
  add(g, 'the request is null', null, 405, { error: ERROR.method });
  add(g, 'the request is a string', 'POST', 405, { error: ERROR.method });
  add(g, 'the request is an empty object', {}, 405);
  add(g, 'no headers member, valid body', { method: 'POST', body }, 201);
  add(g, 'no headers member, no credential', { method: 'POST', body: JSON.stringify(bare()) },
    401, { error: ERROR.secret });
  add(g, 'headers is null', { method: 'POST', headers: null, body: JSON.stringify(bare()) },
    401, { error: ERROR.secret });
  add(g, 'headers is a string', post(JSON.stringify(bare()), 'Authorization: Bearer x'), 401);
  add(g, 'no body member', { method: 'POST', path: '/webhook', headers: JSON_HEADERS }, 400,
    { error: ERROR.json });
}

// --- Bodies of every JSON type, and bodies that are not strings -----------------------------
{
  const g = 'body types';
  for (const [name, body] of [
    ['empty string', ''],
    ['only whitespace', ' \r\n\t '],
    ['null', 'null'],
    ['true', 'true'],
    ['false', 'false'],
    ['zero', '0'],
    ['a negative fraction', '-1.5e3'],
    ['a string', '"{\\"secret\\":\\"x\\"}"'],
    ['an empty array', '[]'],
    ['an array holding a valid registration', JSON.stringify([asset()])],
  ]) {
    add(g, `body is ${name}`, post(body), 400, { error: ERROR.json });
  }
  add(g, 'body is an empty object', post('{}'), 401, { error: ERROR.secret });
  add(g, 'body is a JSON value, not text', post(asset()), 400, { error: ERROR.json });
  add(g, 'body is a number, not text', post(42), 400, { error: ERROR.json });
  add(g, 'body is an array, not text', post([JSON.stringify(asset())]), 400);
  add(g, 'body is null, not text', post(null), 400, { error: ERROR.json });
  add(g, 'body is true, not text', post(true), 400, { error: ERROR.json });
}

// --- Text that is not one JSON object ------------------------------------------------------
{
  const g = 'malformed JSON';
  const text = JSON.stringify(asset());
  for (const [name, body] of [
    ['trailing garbage', `${text} x`],
    ['two objects', `${text}${text}`],
    ['a trailing comma', `${text.slice(0, -1)},}`],
    ['single quotes', text.replaceAll('"', "'")],
    ['a comment', `/* c */${text}`],
    ['NaN', splice(asset(), 'sizeBytes', 'NaN')],
    ['Infinity', splice(asset(), 'sizeBytes', 'Infinity')],
    ['a hexadecimal number', splice(asset(), 'sizeBytes', '0x10')],
    ['a leading plus', splice(asset(), 'sizeBytes', '+1')],
    ['unquoted keys', text.replace('"name"', 'name')],
    ['a truncated body', text.slice(0, 40)],
    ['two byte order marks', `\ufeff\ufeff${text}`],
    ['the secret twice, wrong then right', prepend(asset(), '"secret":"wrong"')],
    ['a key twice in a nested object', splice(asset(), 'extra', '{"k":1,"k":2}')],
    ['__proto__ twice', prepend(asset(), '"__proto__":{},"__proto__":{}')],
  ]) {
    add(g, `body with ${name}`, post(body), 400, { error: ERROR.json });
  }
  add(g, 'a byte order mark before a valid body', post(`\ufeff${text}`), 201,
    { asset: { name: VALID.name } });
}

// --- Nesting and size ----------------------------------------------------------------------
{
  const g = 'nesting and size';
  add(g, 'a hundred thousand nested arrays', post(concat(
    '{"x":', repeat('[', 100_000), repeat(']', 100_000), '}',
  )), 400, { error: ERROR.json });
  add(g, 'a thousand nested objects', post(concat(
    repeat('{"a":', 1000), '1', repeat('}', 1000),
  )), 400, { error: ERROR.json });
  add(g, 'nesting past the body size limit', post(repeat('[', OVER_BODY_LIMIT)), 413,
    { error: ERROR.large });
  add(g, 'a name longer than the body size limit', post(concat(
    '{"name":"', repeat('n', OVER_BODY_LIMIT), '"}',
  )), 413, { error: ERROR.large });
  add(g, 'a huge name under the body size limit', post(concat(
    JSON.stringify(asset({ name: undefined })).slice(0, -1), ',"name":"',
    repeat('n', UNDER_BODY_LIMIT), '"}',
  )), 400, { error: ERROR.field('name') });
  add(g, 'a huge secret', post(concat(
    JSON.stringify(bare()).slice(0, -1), ',"secret":"', repeat('s', UNDER_BODY_LIMIT), '"}',
  )), 401, { error: ERROR.secret });
  add(g, 'a huge tag', post(concat(
    JSON.stringify(asset()).slice(0, -1), ',"tags":["', repeat('t', UNDER_BODY_LIMIT), '"]}',
  )), 400, { error: ERROR.field('tags') });
  add(g, 'a huge URL', post(concat(
    JSON.stringify(asset()).slice(0, -1), ',"thumbnailUrl":"https://h/',
    repeat('u', UNDER_BODY_LIMIT), '"}',
  )), 400, { error: ERROR.field('thumbnailUrl') });
  add(g, 'a huge ignored member is not stored', post(concat(
    JSON.stringify(asset()).slice(0, -1), ',"notes":"', repeat('z', UNDER_BODY_LIMIT), '"}',
  )), 201, { asset: { name: VALID.name } });
  add(g, 'thirty thousand repeats of one key', post(concat(
    JSON.stringify(asset()).slice(0, -1), repeat(',"k":0', 30_000), '}',
  )), 400, { error: ERROR.json });
}

// --- Lone surrogates -----------------------------------------------------------------------
{
  const g = 'lone surrogates';
  add(g, 'an escaped lone high surrogate in the name', post(splice(asset(), 'name', '"\\ud800"')),
    400, { error: ERROR.json });
  add(g, 'an escaped lone low surrogate in the name', post(splice(asset(), 'name', '"x\\udc00"')),
    400, { error: ERROR.json });
  add(g, 'an escaped lone surrogate in a tag', post(splice(asset(), 'tags', '["\\udbff"]')),
    400, { error: ERROR.json });
  add(g, 'an escaped lone surrogate in a key', post(prepend(asset(), '"\\ud800":1')), 400,
    { error: ERROR.json });
  add(g, 'an escaped lone surrogate in the secret', post(splice(bare(), 'secret', '"\\udfff"')),
    400, { error: ERROR.json });
  // JSON.stringify would escape a lone surrogate, so these are spliced in as they are.
  const raw = (object, mark, surrogate) => JSON.stringify(object).replace(mark, surrogate);
  add(g, 'a raw lone high surrogate in the name', post(raw(asset({ name: 'a@.png' }), '@',
    '\ud800')), 400, { error: ERROR.json });
  add(g, 'a raw lone low surrogate in a key', post(prepend(asset(), '"\udc00":1')), 400,
    { error: ERROR.json });
  add(g, 'a raw lone surrogate after the body', post(`${JSON.stringify(asset())}\ud83d`), 400,
    { error: ERROR.json });
  add(g, 'a raw lone surrogate in the secret', post(raw(bare({ secret: `${SECRET}@` }), '@',
    '\udfff')), 400, { error: ERROR.json });
  add(g, 'a raw lone surrogate in the bearer token',
    withHeaders({ Authorization: ['Bearer \ud800'] }), 401, { error: ERROR.secret });
  add(g, 'a raw lone surrogate in the Idempotency-Key',
    withHeaders({ 'Idempotency-Key': ['key-\udc00'] }), 400, { error: ERROR.idempotency });
  add(g, 'an escaped surrogate pair is a real character',
    post(splice(asset(), 'name', '"\\ud83d\\ude00.png"')), 201, { asset: { name: '😀.png' } });
}

// --- NUL and other control characters ------------------------------------------------------
{
  const g = 'control characters';
  add(g, 'a raw NUL inside a string', post(JSON.stringify(asset()).replace('banner', 'ban\0ner')),
    400, { error: ERROR.json });
  add(g, 'a raw NUL after the body', post(`${JSON.stringify(asset())}\0`), 400,
    { error: ERROR.json });
  add(g, 'a raw escape character inside a string',
    post(JSON.stringify(asset()).replace('banner', 'ban\u001bner')), 400, { error: ERROR.json });
  for (const [char, field, value] of [
    ['NUL', 'name', 'ban\0ner.png'],
    ['line feed', 'name', 'line\nbreak.png'],
    ['NUL', 'cdnUrl', 'https://cdn.example.com/a\0.png'],
    ['NUL', 'mimeType', 'image/png\0'],
    ['ESC', 'tags', ['ok', 'esc\u001b']],
    ['NEL', 'campaignId', 'next\u0085line'],
    ['DEL', 'uploadedBy', 'del\u007f'],
  ]) {
    const body = JSON.stringify(asset({ [field]: value }));
    add(g, `an escaped ${char} in ${field}`, post(body), 400, { error: ERROR.field(field) });
  }
  add(g, 'an escaped NUL in the secret', post(JSON.stringify(bare({ secret: `${SECRET}\0` }))),
    401, { error: ERROR.secret });
  add(g, 'a raw NUL in the bearer token', withHeaders({ Authorization: [`Bearer ${SECRET}\0`] }),
    401, { error: ERROR.secret });
  add(g, 'a NUL in a key is an ignored member', post(prepend(asset(), '"\\u0000":1')), 201);
}

// --- Prototype keys ------------------------------------------------------------------------
{
  const g = 'prototype keys';
  const hidden = `"__proto__":{"secret":"${SECRET}"}`;
  add(g, 'the secret hidden in __proto__', post(prepend(bare(), hidden)), 401,
    { error: ERROR.secret });
  add(g, 'approval smuggled through __proto__',
    post(prepend(asset(), '"__proto__":{"approved":true,"brandCompliance":"passed"}')), 201,
    { asset: { approved: false, brandCompliance: 'pending' } });
  add(g, 'approval smuggled through constructor.prototype',
    post(prepend(asset(), '"constructor":{"prototype":{"approved":true}}')), 201,
    { asset: { approved: false } });
  add(g, 'fields smuggled through __proto__ are still missing',
    post(`{"secret":"${SECRET}","__proto__":${JSON.stringify(VALID)}}`), 400,
    { error: ERROR.missingAll });
  add(g, 'a __proto__ header', withHeaders(JSON.parse('{"__proto__":["Bearer wrong"]}')), 201);
  add(g, 'tags named after prototype members',
    post(JSON.stringify(asset({ tags: ['__proto__', 'constructor', 'toString'] }))), 201,
    { asset: { tags: ['__proto__', 'constructor', 'tostring'] } });
  add(g, 'the caller chooses the id and approval', post(JSON.stringify(asset({
    id: 'asset_chosen', approved: true, source: 'evil', uploadedAt: '1970-01-01T00:00:00Z',
  }))), 201, { asset: { approved: false, source: 'webhook' } });
  add(g, 'a batch item with only __proto__', post(JSON.stringify({
    secret: SECRET, assets: [JSON.parse(`{"__proto__":${JSON.stringify(VALID)}}`)],
  })), 207);
}

// --- Numbers -------------------------------------------------------------------------------
{
  const g = 'numbers';
  const size = (raw) => post(splice(asset(), 'sizeBytes', raw));
  add(g, 'sizeBytes 1e400', size('1e400'), 400, { error: ERROR.json });
  add(g, 'sizeBytes -1e400', size('-1e400'), 400, { error: ERROR.json });
  add(g, 'a member 1e400 outside any field', post(splice(asset(), 'x', '1e400')), 400,
    { error: ERROR.json });
  add(g, 'sizeBytes -0 is zero', size('-0'), 201, { asset: { sizeBytes: 0 } });
  add(g, 'sizeBytes 1.0 is one', size('1.0'), 201, { asset: { sizeBytes: 1 } });
  add(g, 'sizeBytes 1e3 is a thousand', size('1e3'), 201, { asset: { sizeBytes: 1000 } });
  for (const raw of ['1.5', '-1', '9007199254740992', '1e308', '5e-324', '"2048"', 'true',
    '[2048]', '123456789012345678901234567890']) {
    add(g, `sizeBytes ${raw}`, size(raw), 400, { error: ERROR.field('sizeBytes') });
  }
  add(g, 'sizeBytes null is missing', size('null'), 400,
    { error: 'Missing required fields: sizeBytes' });
}

// --- Header names in every casing ----------------------------------------------------------
{
  const g = 'header casing';
  // The body's secret is right, so a 401 shows that the header was read and checked too.
  for (const name of ['authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn', 'Authorization']) {
    add(g, `a wrong bearer token in ${name}`, withHeaders({ [name]: ['Bearer wrong'] }), 401,
      { error: ERROR.secret });
  }
  for (const name of ['idempotency-key', 'IDEMPOTENCY-KEY', 'Idempotency-key']) {
    add(g, `an overlong key in ${name}`, withHeaders({ [name]: [repeat('k', 256)] }), 400,
      { error: ERROR.idempotency });
  }
  add(g, 'signature headers in mixed casing', withHeaders({
    'WEBHOOK-ID': ['msg_1'], 'Webhook-Timestamp': [STALE_TIMESTAMP],
    'webhook-SIGNATURE': ['v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
  }), 401, { error: ERROR.signature });
  add(g, 'content type text/plain is still JSON', withHeaders({ 'content-type': ['text/plain'] }),
    201);
}

// --- Header values in other shapes ---------------------------------------------------------
{
  const g = 'header values';
  add(g, 'a string instead of an array', withHeaders({ Authorization: 'Bearer wrong' }), 401,
    { error: ERROR.secret });
  add(g, 'the first of two values counts', withHeaders({
    Authorization: ['Bearer wrong', `Bearer ${SECRET}`],
  }), 401, { error: ERROR.secret });
  add(g, 'an Idempotency-Key string of spaces', withHeaders({ 'Idempotency-Key': '   ' }), 400,
    { error: ERROR.idempotency });
  add(g, 'a quoted empty Idempotency-Key', withHeaders({ 'Idempotency-Key': ['""'] }), 400,
    { error: ERROR.idempotency });
  add(g, 'a non-ASCII Idempotency-Key', withHeaders({ 'Idempotency-Key': ['clé'] }), 400,
    { error: ERROR.idempotency });
  add(g, 'non-string values are ignored', withHeaders({ Authorization: [null, 5, {}] }), 201);
  add(g, 'an object instead of an array', withHeaders({ Authorization: { 0: 'Bearer wrong' } }),
    201);
}

// --- Bearer tokens -------------------------------------------------------------------------
{
  const g = 'bearer tokens';
  const body = JSON.stringify(bare());
  const bearer = (value) => post(body, { Authorization: [value] });
  for (const [name, value] of [
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['Basic credentials', `Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`],
    ['a token with one character more', `Bearer ${SECRET}x`],
    ['a token one character short', `Bearer ${SECRET.slice(0, -1)}`],
    ['a tab after the scheme', `Bearer\t${SECRET}`],
    ['no scheme', SECRET],
    ['the scheme twice', `Bearer Bearer ${SECRET}`],
    ['the token in upper case', `Bearer ${SECRET.toUpperCase()}`],
    ['the signing secret as the token', `Bearer ${SIGNING_SECRET}`],
    ['an empty value', ''],
  ]) {
    add(g, `Authorization with ${name}`, bearer(value), 401, { error: ERROR.secret });
  }
  add(g, 'a right token with a wrong body secret',
    post(JSON.stringify(bare({ secret: 'wrong' })), { Authorization: [`Bearer ${SECRET}`] }),
    401, { error: ERROR.secret });
  add(g, 'the previous secret, lower-case scheme', bearer(`bearer ${PREVIOUS_SECRET}`), 201);
}

// --- Standard Webhooks signatures ----------------------------------------------------------
{
  const g = 'signatures';
  // The body's secret is right, so only the signature can refuse these.
  const signed = (id, timestamp, signature) => {
    const headers = {};
    if (id !== undefined) headers['webhook-id'] = [id];
    if (timestamp !== undefined) headers['webhook-timestamp'] = [timestamp];
    if (signature !== undefined) headers['webhook-signature'] = [signature];
    return withHeaders(headers);
  };
  const sig = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  for (const [name, request] of [
    ['v1 alone', signed('msg_1', STALE_TIMESTAMP, 'v1')],
    ['v1 and a comma', signed('msg_1', STALE_TIMESTAMP, 'v1,')],
    ['bad base64', signed('msg_1', STALE_TIMESTAMP, 'v1,!!!not*base64')],
    ['another version', signed('msg_1', STALE_TIMESTAMP, sig.replace('v1', 'v2'))],
    ['an empty signature', signed('msg_1', STALE_TIMESTAMP, '')],
    ['a timestamp in exponent form', signed('msg_1', '1.6e9', sig)],
    ['an overlong timestamp', signed('msg_1', '99999999999999999999999', sig)],
    ['a negative timestamp', signed('msg_1', '-1', sig)],
    ['no webhook-id', signed(undefined, STALE_TIMESTAMP, sig)],
    ['no webhook-timestamp', signed('msg_1', undefined, sig)],
    ['only webhook-signature', signed(undefined, undefined, sig)],
    ['only webhook-id', signed('msg_1', undefined, undefined)],
    ['an empty webhook-id', signed('', STALE_TIMESTAMP, sig)],
    ['a dot in webhook-id', signed('msg.1', STALE_TIMESTAMP, sig)],
    ['a hundred signatures', signed('msg_1', STALE_TIMESTAMP, repeat(`${sig} `, 100))],
    ['a ten-thousand-character signature', signed('msg_1', STALE_TIMESTAMP,
      concat('v1,', repeat('A', 10_000)))],
  ]) {
    add(g, `a signature with ${name}`, request, 401, { error: ERROR.signature });
  }
  add(g, 'the published vector, long expired', post('{"test": 2432232314}', {
    'webhook-id': ['msg_p5jXN8AQM9LWM0D4loKWxJek'], 'webhook-timestamp': ['1614265330'],
    'webhook-signature': [sig],
  }), 401, { error: ERROR.signature });
}

// --- The body's secret ---------------------------------------------------------------------
{
  const g = 'body secret';
  for (const [name, value] of [
    ['a number', 12345],
    ['an array', [SECRET]],
    ['an object', { secret: SECRET }],
    ['null', null],
    ['empty', ''],
    ['a trailing space', `${SECRET} `],
    ['upper case', SECRET.toUpperCase()],
    ['the signing secret', SIGNING_SECRET],
    ['true', true],
  ]) {
    add(g, `secret is ${name}`, post(JSON.stringify(bare({ secret: value }))), 401,
      { error: ERROR.secret });
  }
  add(g, 'no credential at all', post(JSON.stringify(bare())), 401, { error: ERROR.secret });
}

// --- Fields --------------------------------------------------------------------------------
{
  const g = 'fields';
  add(g, 'every required field missing', post(JSON.stringify({ secret: SECRET })), 400,
    { error: ERROR.missingAll });
  add(g, 'required fields empty or null', post(JSON.stringify(asset({
    name: '', cdnUrl: null, mimeType: '', sizeBytes: null,
  }))), 400, { error: ERROR.missingAll });
  add(g, 'every field of the wrong type', post(JSON.stringify(asset({
    name: 1, cdnUrl: [], thumbnailUrl: {}, mimeType: true, sizeBytes: 'x', tags: 'a',
    campaignId: 2, uploadedBy: false,
  }))), 400, {
    error: 'Invalid fields: name, cdnUrl, thumbnailUrl, mimeType, sizeBytes, tags, '
      + 'campaignId, uploadedBy',
  });
  for (const [name, field, value] of [
    ['a javascript: URL', 'cdnUrl', 'javascript:alert(1)'],
    ['a data: URL', 'thumbnailUrl', 'data:image/png;base64,AAAA'],
    ['a URL without a host', 'cdnUrl', 'https:///x.png'],
    ['a relative URL', 'cdnUrl', '/banner.png'],
    ['a MIME type without a subtype', 'mimeType', 'image'],
    ['a MIME type with a space', 'mimeType', 'image /png'],
    ['a blank name', 'name', '   '],
    ['tags that are not strings', 'tags', ['a', 1]],
    ['fifty-one tags', 'tags', Array.from({ length: 51 }, (_, i) => `t${i}`)],
  ]) {
    add(g, name, post(JSON.stringify(asset({ [field]: value }))), 400,
      { error: ERROR.field(field) });
  }
  for (const [name, value] of [['an object', {}], ['an empty array', []], ['a string', 'x']]) {
    add(g, `assets is ${name}`, post(JSON.stringify({ secret: SECRET, assets: value })), 400,
      { error: ERROR.field('assets') });
  }
  add(g, 'a batch of non-objects stores nothing', post(JSON.stringify({
    secret: SECRET, assets: [1, 'a', null, [], asset({ sizeBytes: -1 })],
  })), 207);
}

// --- Write the file, every line within MAX_LINE columns ------------------------------------

/** Splits long strings into $concat chunks, so no line of the file is too wide. */
function wrap(value) {
  if (typeof value === 'string') {
    if (JSON.stringify(value).length <= CHUNK_CHARS) return value;
    const parts = [];
    let part = '';
    for (const char of value) {
      if (JSON.stringify(part + char).length > CHUNK_CHARS) {
        parts.push(part);
        part = '';
      }
      part += char;
    }
    parts.push(part);
    return { $concat: parts };
  }
  if (Array.isArray(value)) return value.map(wrap);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: wrap(value[key]), enumerable: true, writable: true, configurable: true,
      });
    }
    return out;
  }
  return value;
}

const names = new Set(cases.map((c) => c.name));
if (names.size !== cases.length) {
  const seen = new Set();
  const twice = cases.map((c) => c.name).filter((n) => seen.has(n) || !seen.add(n));
  throw new Error(`cases share a name: ${twice.join(', ')}`);
}
const document = {
  $comment: [
    'Malformed and hostile requests, with the answers the contract requires.',
    'Generated by make-bad-inputs.mjs: edit that script, not this file.',
    'Long strings: {"$concat": [parts]}, {"$repeat": s, "times": n}.',
  ],
  config: { secret: SECRET, previousSecret: PREVIOUS_SECRET, signingSecret: SIGNING_SECRET },
  cases,
};
const text = `${JSON.stringify(wrap(document), null, 1)}\n`;
const wide = text.split('\n').filter((line) => line.length > MAX_LINE);
if (wide.length > 0) throw new Error(`lines over ${MAX_LINE} columns:\n${wide.join('\n')}`);
writeFileSync(OUT, text);
console.log(`wrote ${cases.length} cases to ${OUT} (${text.length} bytes)`);
