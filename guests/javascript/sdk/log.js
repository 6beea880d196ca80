// The module log (always available). Long lines are truncated by the host.
import { log as hostLog } from 'modgate:host/log@1.0.0';

/** The levels: `trace`, `debug`, `info`, `warn`, `error`. */
export const levels = Object.freeze(['trace', 'debug', 'info', 'warn', 'error']);

export function at(level, message) {
  hostLog(level, message);
}
export const trace = (message) => hostLog('trace', message);
export const debug = (message) => hostLog('debug', message);
export const info = (message) => hostLog('info', message);
export const warn = (message) => hostLog('warn', message);
export const error = (message) => hostLog('error', message);
