// How the guest build bundles a JavaScript guest into the one file
// componentize-js takes: the guest, the SDK (`modgate`) and whatever it
// imports by relative path; WIT imports (`modgate:…`, `wasi:…`) stay imports
// for the component to satisfy. The guest build sets the two paths.
export default {
  input: process.env.MODGATE_GUEST_ENTRY,
  external: /^(modgate|wasi):/,
  platform: 'neutral',
  output: { file: process.env.MODGATE_GUEST_BUNDLE, format: 'esm' },
};
