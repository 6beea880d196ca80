// Write modgate modules in JavaScript.
//
// A module is an `index.js` exporting the interfaces of its worlds
// (`lifecycle`, `slotProvider`...; HTTP routes through `modgate/serve`),
// built by modgate's guest build with componentize-js against exactly the worlds its
// `module.toml` implies. This package adds what the WIT imports leave to you:
// `ModgateError`, the contract's typed error. Capability helpers live in
// their own entry points (`modgate/log`, `modgate/settings`...): import one
// only when the module was granted it, since only granted interfaces exist.

export { ModgateError, ErrorCode } from './errors.js';
