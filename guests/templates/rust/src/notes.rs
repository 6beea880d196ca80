{%- if tables -%}
//! The module's own table, `mod_{{ snake }}_notes` (declared in module.toml;
//! permission `write:own-tables`). Statements are checked by the host: only
//! the module's own tables, bound parameters for values.

use modgate_sdk::Error;
{%- if serve %}
use modgate_sdk::json;
{%- endif %}
use modgate_sdk::tables::{self, Value};

/// Adds a note.
pub fn add(author: &str, text: &str) -> Result<(), Error> {
    tables::exec(
        "INSERT INTO mod_{{ snake }}_notes (author, text) VALUES (?1, ?2)",
        &[Value::Text(author.to_owned()), Value::Text(text.to_owned())],
    )?;
    Ok(())
}
{%- if serve %}

/// The newest notes as a JSON object `{"notes": [{"author", "text"}]}`.
pub fn list() -> Result<String, Error> {
    let rows = tables::query("SELECT author, text FROM mod_{{ snake }}_notes ORDER BY created_at DESC, id DESC LIMIT 50", &[])?;
    let notes: Vec<String> = rows
        .rows
        .iter()
        .map(|row| {
            let text = |i: usize| match row.get(i) {
                Some(Value::Text(t)) => json::string(t),
                _ => "null".to_owned(),
            };
            ["{\"author\":", &text(0), ",\"text\":", &text(1), "}"].concat()
        })
        .collect();
    Ok(["{\"notes\":[", &notes.join(","), "]}"].concat())
}
{%- endif %}
{%- endif %}
