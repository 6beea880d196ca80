//! TOML key paths (`tables[1].columns[0].type`) and safe quoting of user text in messages.

/// Longest piece of user text echoed back in a message; longer text is cut with `…`.
const MAX_ECHO_CHARS: usize = 80;

/// `parent.key`, or `key` at the top level. Keys that are not bare TOML keys are quoted.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key.len() <= MAX_ECHO_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let key = if bare { key.to_owned() } else { quoted(key) };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[index]`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// User text as a quoted, escaped string (control characters cannot reach a terminal), cut
/// after a few dozen characters so a huge value cannot flood the report.
pub(crate) fn quoted(text: &str) -> String {
    if text.chars().count() <= MAX_ECHO_CHARS {
        return format!("{text:?}");
    }
    let cut: String = text.chars().take(MAX_ECHO_CHARS).collect();
    format!("{cut:?}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_keys_and_indexes() {
        let table = index_path("tables", 1);
        let column = index_path(&key_path(&table, "columns"), 0);
        assert_eq!(key_path(&column, "type"), "tables[1].columns[0].type");
        assert_eq!(key_path("", "name"), "name");
    }

    #[test]
    fn odd_keys_are_quoted_and_escaped() {
        assert_eq!(key_path("", "a b"), "\"a b\"");
        assert_eq!(key_path("x", "\u{1b}[31m"), "x.\"\\u{1b}[31m\"");
        assert_eq!(key_path("", ""), "\"\"");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "a".repeat(500);
        let shown = quoted(&long);
        assert!(shown.ends_with('…') && shown.chars().count() == 83);
    }
}
