// One cold start, run in a fresh `node`: import a handler module, create the handler, handle
// the seed's example, and print the times as JSON on stdout.
// Usage: node bench/cold-child.js <handler module path>

import { pathToFileURL } from 'node:url';
import { SECRET, SEED, STATUS_CREATED, mapStorage } from './fixtures.js';

/** Exit status when the first answer is not a 201. */
const EXIT_WRONG_STATUS = 3;

const started = performance.now();
const { createHandler } = await import(pathToFileURL(process.argv[2]).href);
const handle = await createHandler({ secret: SECRET, storage: mapStorage() });
const response = await handle(SEED.request);
const done = performance.now();

if (response.statusCode !== STATUS_CREATED) {
  console.error(`cold start: status ${response.statusCode}: ${response.body}`);
  process.exit(EXIT_WRONG_STATUS);
}
// performance.now() counts from the process's time origin, so `done` is the time since start.
process.stdout.write(JSON.stringify({ importToFirstMs: done - started, sinceStartMs: done }));
