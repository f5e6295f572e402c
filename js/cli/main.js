// The command line's entry: reads the settings and runs the command, turning usage mistakes
// into exit code 2 with a message on stderr.

import { readFileSync } from 'node:fs';
import { USAGE, UsageError, readSettings } from './args.js';
import { EXIT, registerManifest, registerOne } from './register.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/**
 * Runs the command line; resolves to the exit code.
 * @param {string[]} argv the arguments after the program name
 * @param {Record<string, string | undefined>} env
 * @param {import('./progress.js').Streams} streams
 * @returns {Promise<number>}
 */
export async function main(argv, env, streams) {
  try {
    const settings = readSettings(argv, env);
    if (settings.mode === 'help') {
      streams.stdout.write(`${USAGE}\n`);
      return EXIT.OK;
    }
    if (settings.mode === 'version') {
      streams.stdout.write(`${PACKAGE.version}\n`);
      return EXIT.OK;
    }
    if (settings.mode === 'batch') return await registerManifest(settings, streams);
    return await registerOne(settings, streams);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    streams.stderr.write(`clarento-webhook: ${error.message}\nRun with --help for usage.\n`);
    return EXIT.USAGE;
  }
}
