// Sends the same request N times to one contestant, for counting instructions under
// callgrind (see bench/instructions.sh). Usage: node bench/instructions.js <module> <case> <N>

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { CASES, SECRET, mapStorage } from './fixtures.js';

/** The store is emptied this often, so it stays small. */
const CLEAR_EVERY = 1024;

const [entry, caseIndex, count] = process.argv.slice(2);
const { createHandler } = await import(pathToFileURL(resolve(entry)).href);
const storage = mapStorage();
const handle = await createHandler({ secret: SECRET, storage });
const { request } = CASES[Number(caseIndex)];
for (let i = 0; i < Number(count); i += 1) {
  await handle(request);
  if (i % CLEAR_EVERY === 0) storage.map.clear();
}
