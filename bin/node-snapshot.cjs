// The entry of the startup snapshot first boot's Node starts from (core/tool-paths.ts,
// NODE_SNAPSHOT_ENTRY): built by the installer with `node FLAGS --snapshot-blob BLOB
// --build-snapshot node-snapshot.cjs` on the node's own Node. The snapshot holds Node's own
// start only; the tool itself is ES modules, loaded as usual once the snapshot is running.
'use strict';
const { startupSnapshot } = require('node:v8');
const { join } = require('node:path');

const entry = join(__dirname, 'debvisor.js');

startupSnapshot.setDeserializeMainFunction(() => {
  // From a snapshot Node runs no entry file: it goes where Node would have put it, so that
  // bin/debvisor.js reads its arguments from process.argv.slice(2) as always.
  process.argv.splice(1, 0, entry);
  // The snapshot's main function cannot import(); a script compiled with the main context's
  // loader can (Node 20.12 and later). Node marks that loader option experimental; its warning
  // is left out of first boot's log, every other warning passes.
  const vm = require('node:vm');
  const { pathToFileURL } = require('node:url');
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (!String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) emitWarning.call(process, warning, ...rest);
  };
  let loading;
  try {
    const script = new vm.Script(`import(${JSON.stringify(pathToFileURL(entry).href)})`, {
      filename: __filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    loading = script.runInThisContext();
  } finally {
    process.emitWarning = emitWarning;
  }
  loading.catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
});
