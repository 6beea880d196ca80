//! The `max-items` setting: how many products one customer may keep.
//!
//! Read from `settings::get()` on each add, so an operator's change applies
//! to the next request. The host validated the document against the
//! manifest's schema (an object with only `max-items`, an integer from 1 to
//! 500, default 100), so a few lines of scanning do instead of a JSON
//! parser; anything unexpected falls back to the default rather than
//! failing the request.

/// The manifest's default for `max-items`.
pub const DEFAULT_MAX_ITEMS: u32 = 100;

/// `max-items` from the settings document, or [`DEFAULT_MAX_ITEMS`] when it
/// is absent or not a positive integer.
pub fn max_items(settings: &str) -> u32 {
    parse(settings).unwrap_or(DEFAULT_MAX_ITEMS)
}

fn parse(settings: &str) -> Option<u32> {
    let (_, after_key) = settings.split_once("\"max-items\"")?;
    let value = after_key.trim_start().strip_prefix(':')?.trim_start();
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    let rest = value[digits..].trim_start();
    if digits == 0 || !(rest.is_empty() || rest.starts_with(',') || rest.starts_with('}')) {
        return None;
    }
    value[..digits].parse().ok().filter(|&n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_is_read_with_or_without_spaces() {
        assert_eq!(max_items(r#"{"max-items":3}"#), 3);
        assert_eq!(max_items("{ \"max-items\" :\n 250 }"), 250);
        assert_eq!(max_items(r#"{"max-items":7,"other":1}"#), 7);
    }

    #[test]
    fn absent_or_unparsable_values_fall_back_to_the_default() {
        for settings in [
            "{}",
            "",
            "not json",
            r#"{"max-items":"3"}"#,
            r#"{"max-items":3.5}"#,
            r#"{"max-items":-3}"#,
            r#"{"max-items":0}"#,
            r#"{"max-items":99999999999999999999}"#,
            r#"{"max-items":}"#,
            r#"{"max-items""#,
        ] {
            assert_eq!(max_items(settings), DEFAULT_MAX_ITEMS, "{settings}");
        }
    }
}
