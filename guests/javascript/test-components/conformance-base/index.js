// Conformance for world modgate:host/base, in JavaScript (the Rust twin is
// guests/test-components/conformance-base): logging works at every level, an
// oversized line is truncated by the host rather than trapping, and settings
// arrive unchanged.
import { check, param } from '../kit/kit.js';
import * as log from 'modgate/log';
import * as settings from 'modgate/settings';

export const lifecycle = {
  activate(s) {
    check(param(s, 'echo') === 'hello', 'settings arrive unchanged');
    check(settings.get() === s, 'settings.get answers the same document in every context');
    for (const level of log.levels) log.at(level, 'conformance-base: level check');
    // Five times the host's line limit (the Rust twin sends 100 000: a string
    // costs the interpreted guests fuel per character).
    log.info('x'.repeat(10_000));
    log.info('conformance-base: done');
  },
};
