// Exactly-once effects for at-least-once deliveries (the twin of the Rust
// SDK's `ledger`).
//
// The host delivers an event until its handler succeeds, so a handler can
// run more than once for the same event. A `Ledger` makes its writes happen
// once per event id: it records the id and runs the effect's statements in
// one `execBatch` (one transaction), so the id is recorded if and only if
// the effect happened. A redelivery's batch fails on the ledger's UNIQUE
// `event_id` and changes nothing; a lookup then tells it from a real
// failure. The key is the event id, never the payload.
//
// The ledger table is one of the module's own tables (`write:own-tables`):
//
//     [[tables]]
//     name = "mod_wishlist_ledger"
//     columns = [{ name = "event_id", type = "text", nullable = false, unique = true }]
import { ModgateError } from './errors.js';
import { checkModuleTable } from './names.js';
import { execBatch, query } from './tables.js';

/** What `Ledger.once` did: the effect ran now, or on an earlier delivery. */
export const Once = Object.freeze({ applied: 'applied', alreadyApplied: 'already-applied' });

/** The ids of the events whose effect was applied, kept in `table`. */
export class Ledger {
  constructor(table) {
    this.table = table;
  }

  /**
   * Runs `effect` (`[sql, params]` INSERT, UPDATE or DELETE pairs, at most
   * 15) unless `eventId` was recorded; records it atomically with the
   * effect. Returns `Once.applied` or `Once.alreadyApplied`. A thrown error
   * means nothing took effect: let it propagate from the handler, so the
   * delivery is retried.
   */
  once(eventId, effect) {
    try {
      checkModuleTable(this.table);
    } catch (e) {
      throw ModgateError.invalid(`ledger: ${e.message}`);
    }
    if (!eventId) throw ModgateError.invalid('ledger: the event id is empty');
    try {
      execBatch([[`INSERT INTO ${this.table} (event_id) VALUES (?)`, [eventId]], ...effect]);
      return Once.applied;
    } catch (failed) {
      const seen = query(`SELECT 1 FROM ${this.table} WHERE event_id = ?`, [eventId]);
      if (seen.rows.length === 0) throw failed;
      return Once.alreadyApplied;
    }
  }
}
