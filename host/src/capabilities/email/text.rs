//! The checks on everything else a module gives: the subject (a header
//! value, so one line of printable text), the body and a customer id.

/// Why `subject` cannot be a Subject header, in words naming the problem.
pub fn check_subject(subject: &str, max_chars: usize) -> Result<(), String> {
    let chars = subject.chars().count();
    if chars > max_chars {
        return Err(format!("has {chars} characters, more than the limit of {max_chars}"));
    }
    match subject.chars().find(|c| is_control(*c) || is_line_separator(*c)) {
        Some(c) => Err(format!(
            "contains {}: a subject is one line of text, without control characters or line breaks",
            describe(c)
        )),
        None => Ok(()),
    }
}

/// Why `text` cannot be a body: too long, or a control character other than
/// tab, line breaks and form feed (line breaks are normalised when sent).
pub fn check_body(text: &str, max_bytes: usize) -> Result<(), String> {
    if text.len() > max_bytes {
        return Err(format!("is {} bytes, more than the limit of {max_bytes}", text.len()));
    }
    match text.chars().find(|c| c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
        Some(c) => Err(format!("contains {}, which plain-text mail cannot carry", describe(c))),
        None => Ok(()),
    }
}

/// Why `id` cannot name a customer: empty, too long, or with control
/// characters.
pub fn check_customer_id(id: &str, max_chars: usize) -> Result<(), String> {
    let chars = id.chars().count();
    if chars == 0 || chars > max_chars {
        return Err(format!("has {chars} characters; a customer id has 1 to {max_chars}"));
    }
    match id.chars().find(|c| is_control(*c) || is_line_separator(*c)) {
        Some(c) => Err(format!("contains {}", describe(c))),
        None => Ok(()),
    }
}

/// C0, DEL and C1.
fn is_control(c: char) -> bool {
    c.is_control()
}

/// Unicode's line and paragraph separators, which some clients render as
/// line breaks.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

fn describe(c: char) -> String {
    match c {
        '\r' => "a carriage return (CR)".into(),
        '\n' => "a line feed (LF)".into(),
        '\0' => "a NUL".into(),
        '\t' => "a tab".into(),
        c => format!("U+{:04X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_one_printable_line() {
        assert_eq!(check_subject("Price drop: Kettle → 9.90 €", 200), Ok(()));
        assert_eq!(check_subject("", 200), Ok(()));
        for (subject, words) in [
            ("a\r\nBcc: x@y.example", "carriage return"),
            ("a\nb", "line feed"),
            ("a\rb", "carriage return"),
            ("a\0b", "NUL"),
            ("a\tb", "a tab"),
            ("a\u{7f}b", "U+007F"),
            ("a\u{85}b", "U+0085"),
            ("a\u{2028}b", "U+2028"),
            ("a\u{2029}b", "U+2029"),
            ("a\u{1b}[31mb", "U+001B"),
        ] {
            let problem = check_subject(subject, 200).expect_err(subject);
            assert!(problem.contains(words), "{subject:?}: {problem}");
        }
        assert!(check_subject(&"é".repeat(201), 200).unwrap_err().contains("201 characters"));
    }

    #[test]
    fn a_body_is_bounded_text_with_line_breaks() {
        assert_eq!(check_body("Hello,\r\n\tAda\n.\n\x0cpage 2", 1000), Ok(()));
        assert!(check_body("a\0b", 1000).unwrap_err().contains("NUL"));
        assert!(check_body("a\u{7}b", 1000).unwrap_err().contains("U+0007"));
        assert!(check_body(&"x".repeat(11), 10).unwrap_err().contains("11 bytes"));
    }

    #[test]
    fn a_customer_id_is_a_short_printable_word() {
        assert_eq!(check_customer_id("cu-1", 128), Ok(()));
        assert!(check_customer_id("", 128).is_err());
        assert!(check_customer_id(&"c".repeat(129), 128).unwrap_err().contains("129"));
        assert!(check_customer_id("cu\n1", 128).unwrap_err().contains("line feed"));
    }
}
