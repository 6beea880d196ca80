// Names the host expects, checked on the guest side too (before any host
// call, with a message that says what a good name looks like).

/**
 * The name of a module's own table, `mod_<module>_<suffix>` with `-` in the
 * module name turned into `_`: the name to declare in `module.toml` and to
 * use in SQL. Throws a `TypeError` for a module name that is not a
 * lowercase slug, a suffix outside `[a-z0-9_]` or a name over PostgreSQL's
 * 63 characters. `namespacedTable('gift-cards', 'codes')` is
 * `'mod_gift_cards_codes'`.
 */
export function namespacedTable(module, suffix) {
  if (module.length > 64 || !/^[a-z][a-z0-9-]*$/.test(module)) {
    throw new TypeError(`module name ${JSON.stringify(module)} is not a lowercase slug like "wishlist" or "gift-cards"`);
  }
  if (!/^[a-z0-9_]+$/.test(suffix)) throw new TypeError(`table suffix ${JSON.stringify(suffix)} must use only a-z, 0-9 and _`);
  const name = `mod_${module.replaceAll('-', '_')}_${suffix}`;
  if (name.length > 63) throw new TypeError(`table name ${JSON.stringify(name)} is longer than 63 characters`);
  return name;
}

/**
 * Throws a `TypeError` unless `name` is written like a module table (`mod_`
 * then `a-z`, `0-9`, `_`; at most 63 characters). Which module owns it is
 * the host's check.
 */
export function checkModuleTable(name) {
  if (!/^mod_[a-z0-9_]+$/.test(name)) {
    throw new TypeError(`table name ${JSON.stringify(name)} is not a module table like "mod_wishlist_items" (mod_, then a-z, 0-9 and _)`);
  }
  if (name.length > 63) throw new TypeError(`table name ${JSON.stringify(name)} is longer than 63 characters`);
}
