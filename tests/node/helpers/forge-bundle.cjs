// Child process for the Forge host test: bundles the app the way `forge deploy` does, with the
// real @forge/bundler reading the real manifest.yml, and copies the output to argv[2].
// Run with the repository as working directory and FORGE_RUNTIME_PATH pointing at a folder
// that holds dist/wrapper.js and dist/loader.js (stubs are enough; nothing is downloaded).
// CommonJS on purpose: the bundler requires `require.main` to be set.

const fs = require('node:fs');
const path = require('node:path');
const { getEntryPoints, getNodeBundler, getWrapperProvider } = require('@forge/bundler');
const { ConfigFile, FileSystemReader, FileSystemWriter } = require('@forge/cli-shared');

const quiet = () => {};
const logger = {
  traceEnabled: false,
  debugEnabled: false,
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: (message) => process.stderr.write(`bundler warning: ${message}\n`),
  error: (error) => process.stderr.write(`bundler error: ${error?.stack ?? error}\n`),
};

async function main(outDir) {
  const reader = new FileSystemReader();
  const config = new ConfigFile(reader, new FileSystemWriter());
  const handlers = await config.getAppHandlers();
  const bundler = getNodeBundler(logger, getWrapperProvider({ fileSystemReader: reader }), config);
  const output = await bundler.bundle({
    appDirectory: process.cwd(),
    entryPoints: getEntryPoints(handlers),
  });
  fs.cpSync(output.outputDir, outDir, { recursive: true });
  for (const [name, content] of output.additionalOutputs ?? []) {
    const target = path.join(outDir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // A string is the path of a file to ship (i18n bundles); a Buffer is the content itself.
    if (typeof content === 'string') fs.copyFileSync(content, target);
    else fs.writeFileSync(target, content);
  }
  fs.rmSync(output.outputDir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ handlers, files: fs.readdirSync(outDir) })}\n`);
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
