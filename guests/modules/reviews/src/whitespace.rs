//! Tidying a review's whitespace before it is stored.
//!
//! Runs of spaces, tabs and other blanks (control characters too) become
//! one space, each line is trimmed, more than one empty line in a row
//! becomes one (so paragraphs survive), and the text is trimmed. Line
//! breaks are written `\n`.

/// `body` with its whitespace tidied (see the module docs).
pub fn tidy(body: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut blank_line_pending = false;
    // `\r\n` first, so a Windows line break is one break, not two.
    let body = body.replace("\r\n", "\n");
    for line in body.split(['\n', '\r']).map(collapse_blanks) {
        if line.is_empty() {
            blank_line_pending = !paragraphs.is_empty();
            continue;
        }
        if blank_line_pending {
            paragraphs.push(String::new());
            blank_line_pending = false;
        }
        paragraphs.push(line);
    }
    paragraphs.join("\n")
}

/// One line with every run of blanks made one space, and trimmed.
fn collapse_blanks(line: &str) -> String {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn blanks_collapse_and_ends_are_trimmed() {
        assert_eq!(
            tidy("  Great   mug,\t\tgreat  price.  "),
            "Great mug, great price."
        );
        assert_eq!(tidy("a\u{a0}\u{2003} b\u{7}c"), "a b c");
    }

    #[test]
    fn paragraphs_survive_with_one_empty_line_between_them() {
        assert_eq!(tidy("First.\n\n\n\n  Second.  \n"), "First.\n\nSecond.");
        assert_eq!(tidy("One\r\nTwo\rThree"), "One\nTwo\nThree");
        assert_eq!(tidy("\n\n  \nOnly one\n \n"), "Only one");
    }

    #[test]
    fn tidy_text_is_left_as_it_is() {
        for text in [
            "Nice.",
            "Line one\nLine two",
            "Para one.\n\nPara two.",
            "",
            "é🍵 ok",
        ] {
            assert_eq!(tidy(text), text, "{text:?}");
        }
    }

    #[test]
    fn blank_text_becomes_empty() {
        assert_eq!(tidy(" \t\n\r\n "), "");
    }
}
