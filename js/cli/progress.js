// Progress of a batch run on stderr: a bar on a terminal, one plain line per batch otherwise.
// Results go to stdout; when stdout is the same terminal as the bar, they are held back until
// the bar is done, so the two never overwrite each other.

import cliProgress from 'cli-progress';

const BAR_FORMAT = 'registering |{bar}| {value}/{total} assets | {failed} failed | {eta_formatted}';

/**
 * @typedef {{
 *   stdout: { write(text: string): unknown, isTTY?: boolean },
 *   stderr: { write(text: string): unknown, isTTY?: boolean },
 * }} Streams
 */

/**
 * A reporter for `total` assets in `batches` batches.
 * @param {Streams} streams
 * @param {number} total
 * @param {number} batches
 */
export function progressReporter(streams, total, batches) {
  return streams.stderr.isTTY ? barReporter(streams, total) : lineReporter(streams, batches);
}

function barReporter({ stdout, stderr }, total) {
  const bar = new cliProgress.SingleBar({
    format: BAR_FORMAT,
    stream: stderr,
    hideCursor: true,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  const heldBack = [];
  let failed = 0;
  bar.start(total, 0, { failed });
  return {
    /** Prints a result line (held back while the bar shares the terminal). */
    result(text) {
      if (stdout.isTTY) heldBack.push(text);
      else stdout.write(text);
    },
    /** Counts a finished batch. */
    batchDone({ registered, failures }) {
      failed += failures;
      bar.increment(registered + failures, { failed });
    },
    finish() {
      bar.stop();
      for (const text of heldBack) stdout.write(text);
    },
  };
}

function lineReporter({ stdout, stderr }, batches) {
  let done = 0;
  return {
    result(text) {
      stdout.write(text);
    },
    batchDone({ registered, failures }) {
      done += 1;
      stderr.write(`batch ${done}/${batches}: ${registered} registered, ${failures} failed\n`);
    },
    finish() {},
  };
}
