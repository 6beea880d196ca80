// How the guest build bundles a JavaScript guest into the one file
// componentize-js takes: the guest, the SDK (`modgate`) and whatever it
// imports by relative path; WIT imports (`modgate:…`, `wasi:…`) stay imports
// for the component to satisfy. The guest build sets the two paths.
import { fileURLToPath } from 'node:url';

export default {
  input: process.env.MODGATE_GUEST_ENTRY,
  external: /^(modgate|wasi):/,
  platform: 'neutral',
  resolve: {
    // The SDK from this folder, wherever the guest lives (a module folder
    // outside the checkout has no node_modules of its own).
    alias: { modgate: fileURLToPath(new URL('./sdk', import.meta.url)) },
    extensions: ['.js'],
  },
  // An import nothing resolves would become an import of the component,
  // which no world offers: refuse it here, naming the file and the line.
  onLog(level, log, handler) {
    if (log.code === 'UNRESOLVED_IMPORT') handler('error', log);
    else handler(level, log);
  },
  output: { file: process.env.MODGATE_GUEST_BUNDLE, format: 'esm' },
};
