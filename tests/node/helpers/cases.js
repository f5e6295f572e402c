// Locates the shared contract cases: CONTRACT_CASES, else ../shared beside the repository
// (where CI lays it), else the copy in tests/fixtures for a clone that stands alone.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where CI and the developers' machines keep the shared cases. */
export const SHARED_CASES = resolve(REPO_ROOT, '..', 'shared', 'cases', 'contract-cases.json');
/** The copy kept with the tests. */
export const FIXTURE_CASES = resolve(REPO_ROOT, 'tests', 'fixtures', 'contract-cases.json');

/** The path of the cases file in use. */
export function casesPath() {
  if (process.env.CONTRACT_CASES) return resolve(process.env.CONTRACT_CASES);
  return existsSync(SHARED_CASES) ? SHARED_CASES : FIXTURE_CASES;
}

/** `{ secret, cases: [{ name, request, expect }] }`. */
export function loadCases(path = casesPath()) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
