//! Percent-decoding the probe's field values, so settings written as lines
//! can carry CR, LF, NUL and any other text.

/// Decodes `%XX` (two hex digits, either case) into the byte XX; every other
/// character stands for itself. The decoded bytes must be UTF-8. The error
/// says what is wrong, for the probe to prefix.
pub fn decode(encoded: &str) -> Result<String, String> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'%' {
            decoded.push(bytes[at]);
            at += 1;
            continue;
        }
        let byte = bytes
            .get(at + 1..at + 3)
            .and_then(|hex| Some(hex_digit(hex[0])? << 4 | hex_digit(hex[1])?))
            .ok_or_else(|| {
                format!("malformed escape at byte {at} of {encoded:?}: % takes two hex digits")
            })?;
        decoded.push(byte);
        at += 3;
    }
    String::from_utf8(decoded).map_err(|_| format!("{encoded:?} does not decode to UTF-8"))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn escapes_carry_control_characters_and_the_percent_sign() {
        assert_eq!(decode("a%0D%0Ab").unwrap(), "a\r\nb");
        assert_eq!(decode("%00").unwrap(), "\0");
        assert_eq!(decode("100%25").unwrap(), "100%");
        assert_eq!(decode("%e2%80%a8").unwrap(), "\u{2028}");
    }

    #[test]
    fn other_characters_stand_for_themselves() {
        assert_eq!(
            decode("Ada <a@b.example>, +x").unwrap(),
            "Ada <a@b.example>, +x"
        );
        assert_eq!(decode("bücher").unwrap(), "bücher");
        assert_eq!(decode("").unwrap(), "");
    }

    #[test]
    fn malformed_escapes_are_refused() {
        for bad in ["%", "%0", "a%zz", "%0g", "%%41", "ab%4"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        assert!(decode("%ff").is_err());
        assert!(decode("%e2%80").is_err());
    }
}
