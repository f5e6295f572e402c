#!/usr/bin/env node
// `clarento-webhook`: registers assets with the web trigger from CI pipelines and migrations.
// Run `clarento-webhook --help` for the options; js/cli/ holds the parts.

import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
