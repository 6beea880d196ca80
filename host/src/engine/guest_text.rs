//! Text a guest hands the host (error messages, log lines, trap reports) is
//! cut to a bound before it is printed, stored or logged, with the original
//! size noted, so a module cannot flood an operator's terminal, the log or
//! the database.

/// The most bytes of a guest's error message the host keeps.
pub const MAX_GUEST_MESSAGE_BYTES: usize = 2048;

/// `text` cut to at most `max` bytes on a character boundary; a cut text
/// ends with a marker naming the original size (or, when the bound is too
/// small for that, a shorter one).
pub fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut mark = format!("… ({} bytes in all) [truncated]", text.len());
    if mark.len() > max {
        mark = "…[truncated]".to_owned();
    }
    if mark.len() > max {
        mark.clear();
    }
    let mut end = max.saturating_sub(mark.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{mark}", &text[..end])
}

/// [`bounded`] with [`MAX_GUEST_MESSAGE_BYTES`].
pub fn bounded_message(text: &str) -> String {
    bounded(text, MAX_GUEST_MESSAGE_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(bounded("fine", 10), "fine");
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary_and_names_its_size() {
        let text = "é".repeat(10_000);
        let cut = bounded(&text, 100);
        assert!(cut.len() <= 100, "{}", cut.len());
        assert!(cut.ends_with("(20000 bytes in all) [truncated]"), "{cut}");
        assert!(cut.starts_with('é'));
    }

    #[test]
    fn a_small_bound_gets_a_shorter_marker_and_is_never_passed() {
        assert_eq!(bounded(&"x".repeat(1000), 20), "xxxxxx…[truncated]");
        assert_eq!(bounded(&"x".repeat(1000), 5), "xxxxx");
    }
}
