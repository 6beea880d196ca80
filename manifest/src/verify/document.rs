//! The whole file: size limit, UTF-8 and TOML syntax. These problems stop verification, since
//! nothing inside the file can be trusted to mean anything.

use toml::Table;

use crate::MAX_MANIFEST_BYTES;
use crate::error::{ManifestError, ManifestErrorCode};

/// Path used for whole-file problems.
pub(crate) const FILE_PATH: &str = "(file)";

/// The refusal of a manifest of `size` bytes (`exact` = false: "more than").
pub(crate) fn too_large(size: u64, exact: bool) -> ManifestError {
    let size = if exact {
        format!("{size} bytes")
    } else {
        format!("more than {size} bytes")
    };
    ManifestError::new(
        FILE_PATH,
        ManifestErrorCode::TooLarge,
        format!("the manifest is {size}, over the limit of {MAX_MANIFEST_BYTES} bytes"),
        "shorten it below 64 KiB: keep long documentation in the README and settings schemas small",
    )
}

/// Decodes the bytes of a manifest file as UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ManifestError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let (line, column) = line_and_column(bytes, error.valid_up_to());
        ManifestError::new(
            FILE_PATH,
            ManifestErrorCode::Syntax,
            format!("the manifest is not valid UTF-8 at line {line}, column {column}"),
            "save the file as UTF-8",
        )
    })
}

/// Checks the size and parses the TOML.
pub(crate) fn parse(text: &str) -> Result<Table, ManifestError> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(too_large(text.len() as u64, true));
    }
    text.parse::<Table>().map_err(|error| {
        let message: String = error
            .message()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let message = message.trim();
        match error.span() {
            Some(span) => {
                let (line, column) = line_and_column(text.as_bytes(), span.start);
                ManifestError::new(
                    FILE_PATH,
                    ManifestErrorCode::Syntax,
                    format!("invalid TOML at line {line}, column {column}: {message}"),
                    format!(
                        "correct the TOML at line {line}, column {column} (see https://toml.io)"
                    ),
                )
            }
            None => ManifestError::new(
                FILE_PATH,
                ManifestErrorCode::Syntax,
                format!("invalid TOML: {message}"),
                "correct the TOML syntax (see https://toml.io)",
            ),
        }
    })
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = "#".repeat(MAX_MANIFEST_BYTES + 1);
        let error = parse(&text).unwrap_err();
        assert_eq!(error.code, ManifestErrorCode::TooLarge);
        assert_eq!(error.path, "(file)");
    }

    #[test]
    fn text_at_the_limit_is_parsed() {
        let text = "#".repeat(MAX_MANIFEST_BYTES);
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let error = parse("name = \"x\"\nversion = 1.0.0\n").unwrap_err();
        assert_eq!(error.code, ManifestErrorCode::Syntax);
        assert!(
            error.message.starts_with("invalid TOML at line 2, column"),
            "{}",
            error.message
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_and_column("é\nab".as_bytes(), 5), (2, 3));
        assert_eq!(line_and_column("éx".as_bytes(), 2), (1, 2));
    }

    #[test]
    fn invalid_utf8_is_a_syntax_error() {
        let error = decode(b"name = \"\xff\"").unwrap_err();
        assert_eq!(error.code, ManifestErrorCode::Syntax);
        assert!(
            error.message.ends_with("line 1, column 9"),
            "{}",
            error.message
        );
    }
}
