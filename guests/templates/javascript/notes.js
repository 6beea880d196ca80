{%- if tables -%}
// The module's own table, `mod_{{ snake }}_notes` (declared in module.toml;
// permission `write:own-tables`). Statements are checked by the host: only
// the module's own tables, bound parameters for values. A refused or failing
// statement throws a `ModgateError`.
import * as tables from 'modgate/tables';

/** Adds a note. */
export function add(author, text) {
  tables.exec('INSERT INTO mod_{{ snake }}_notes (author, text) VALUES (?1, ?2)', [author, text]);
}
{%- if serve %}

/** The newest notes, `{"notes": [{"author", "text"}]}`. */
export function newest() {
  const found = tables.query('SELECT author, text FROM mod_{{ snake }}_notes ORDER BY created_at DESC, id DESC LIMIT 50');
  return { notes: found.rows.map(([author, text]) => ({ author, text })) };
}
{%- endif %}
{%- endif %}
