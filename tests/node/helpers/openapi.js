// Validates responses against openapi.yaml with Ajv (JSON Schema 2020-12, the dialect of
// OpenAPI 3.1): the status must be documented for the method, the content type must be JSON,
// the parsed body must match the documented schema, and every documented header must be
// present when required and match its schema when present.
//
// Works on the handler's web trigger responses (`headers: { Name: [values] }`, body text) and
// on fetch responses read into `{ status, headers: Headers, body }`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './cases.js';

/** The contract document. */
export const OPENAPI_PATH = resolve(REPO_ROOT, 'openapi.yaml');
/** The `$id` the document is registered under, so its `#/components/...` refs resolve. */
const DOCUMENT_ID = 'https://clarento.example/openapi.yaml';
/** The web trigger's one path. */
const WEBHOOK_PATH = '/';
/** The method that has an operation; every other one is described by this extension. */
const OPERATION_METHOD = 'post';
const OTHER_METHODS = 'x-other-methods';
const JSON_MEDIA_TYPE = 'application/json';
/** OpenAPI keywords that Ajv does not know and that carry no validation. */
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];
/** The document's top-level fields, which Ajv sees as keywords of the registered root. */
const DOCUMENT_FIELDS = ['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components'];

/** The parsed openapi.yaml. */
export const openapi = parseYaml(readFileSync(OPENAPI_PATH, 'utf8'));

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
ajv.addVocabulary([...OPENAPI_KEYWORDS, ...DOCUMENT_FIELDS]);
ajv.addSchema({ ...openapi, $id: DOCUMENT_ID });

/** @type {Map<string, import('ajv').ValidateFunction>} */
const compiled = new Map();

/**
 * A validator for the schema at a JSON pointer into openapi.yaml.
 * @param {string} pointer e.g. `#/components/schemas/Created`
 * @returns {import('ajv').ValidateFunction}
 */
export function validatorAt(pointer) {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

/** A validator for a schema found in the document: a local `$ref`, or an inline schema. */
function validatorFor(schema) {
  if (typeof schema?.$ref === 'string' && schema.$ref.startsWith('#/')) {
    return validatorAt(schema.$ref);
  }
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** Follows a local `$ref` (one level is all the document uses for responses and headers). */
function deref(node) {
  if (!node?.$ref) return node;
  const path = node.$ref.replace(/^#\//, '').split('/');
  return path.reduce((at, part) => at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], openapi);
}

/** The response object documented for a method and status, or undefined. */
export function documentedResponse(method, status) {
  const item = openapi.paths[WEBHOOK_PATH];
  const name = method.toLowerCase();
  const responses = name === OPERATION_METHOD
    ? item.post.responses
    : item[OTHER_METHODS].responses;
  return deref(responses[String(status)]);
}

/** The first value of a header in either response shape, ignoring the name's case. */
function headerValue(headers, name) {
  if (typeof headers?.get === 'function') return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Everything about a response that disagrees with openapi.yaml, as readable lines.
 * @param {{ statusCode?: number, status?: number, headers?: object, body?: string }} response
 * @param {{ method?: string }} [options] the request's method (POST unless told).
 * @returns {string[]}
 */
export function openapiProblems(response, { method = 'POST' } = {}) {
  const status = response.statusCode ?? response.status;
  const documented = documentedResponse(method, status);
  if (!documented) return [`${method} ${status} is not a documented response`];
  const problems = [];

  const contentType = headerValue(response.headers, 'Content-Type') ?? '';
  if (contentType.split(';')[0].trim().toLowerCase() !== JSON_MEDIA_TYPE) {
    problems.push(`Content-Type is ${JSON.stringify(contentType)}, not ${JSON_MEDIA_TYPE}`);
  }

  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const spec = deref(header);
    const value = headerValue(response.headers, name);
    if (value === undefined) {
      if (spec.required) problems.push(`required header ${name} is missing`);
      continue;
    }
    const validate = validatorFor(spec.schema);
    if (!validate(value)) problems.push(`header ${name}: ${ajv.errorsText(validate.errors)}`);
  }

  const media = documented.content?.[JSON_MEDIA_TYPE];
  let body;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [...problems, `body is not JSON: ${String(response.body).slice(0, 80)}`];
  }
  const validate = validatorFor(media.schema);
  if (!validate(body)) {
    problems.push(`body: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
  }
  return problems;
}

/**
 * Asserts that a response matches openapi.yaml; the message lists every disagreement.
 * @param {{ statusCode?: number, status?: number, headers?: object, body?: string }} response
 * @param {{ method?: string }} [options]
 */
export function assertMatchesOpenapi(response, options) {
  const problems = openapiProblems(response, options);
  assert.deepEqual(problems, [], `response does not match openapi.yaml:\n  ${
    problems.join('\n  ')}\nbody: ${String(response.body).slice(0, 400)}`);
}

/**
 * Reads a fetch Response into the shape `assertMatchesOpenapi` takes.
 * @param {Response} response
 * @returns {Promise<{ status: number, headers: Headers, body: string }>}
 */
export async function readFetchResponse(response) {
  return { status: response.status, headers: response.headers, body: await response.text() };
}
