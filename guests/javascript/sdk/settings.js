// The install's settings (always available, in every context).
import { get as hostGet } from 'modgate:host/settings@1.0.0';

/** The invoking tenant's settings document (JSON text). */
export const get = () => hostGet();

/** The settings document, parsed. */
export const load = () => JSON.parse(hostGet());
