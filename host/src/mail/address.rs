//! The one shape of recipient a module may give: a bare ASCII addr-spec,
//! `local@domain.tld`. Everything RFC 5322 allows beyond that — display
//! names, groups, comments, quoted local parts, domain literals, source
//! routes — and the relay tricks (`%` and `!` routing, single-label and
//! numeric domains) is refused, so the address cannot carry a second
//! recipient or a header, and cannot steer the relay.

/// Longest local part (RFC 5321).
const MAX_LOCAL: usize = 64;
/// Longest domain (RFC 1035, without the root dot).
const MAX_DOMAIN: usize = 253;
/// Longest domain label.
const MAX_LABEL: usize = 63;

/// Why `address` is not a recipient a module may give, in words naming the
/// problem (the caller names the field); `max_bytes` bounds the whole.
pub fn check_address(address: &str, max_bytes: usize) -> Result<(), String> {
    if address.is_empty() {
        return Err("is empty: give one address such as ada@example.com".into());
    }
    if address.len() > max_bytes {
        return Err(format!("is {} bytes, more than the limit of {max_bytes}", address.len()));
    }
    if let Some(c) = address.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "contains {c:?}: addresses must be ASCII; write an internationalised domain in its xn-- form"
        ));
    }
    if let Some(c) = address.chars().find(|c| c.is_ascii_control()) {
        return Err(format!("contains {}: give one bare address, without line breaks or control characters", describe(c)));
    }
    if address.contains(['<', '>', ',', ';', ':', '"', '(', ')', '[', ']', '\\']) {
        return Err("is not one bare address: display names, lists, groups, comments, quoted parts, domain literals and source routes are refused; give local@domain only".into());
    }
    if address.contains(' ') {
        return Err("contains a space: give one bare address".into());
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err("has no @: give local@domain".into());
    };
    if domain.contains('@') {
        return Err("has more than one @: give local@domain".into());
    }
    check_local(local)?;
    check_domain(domain)
}

fn check_local(local: &str) -> Result<(), String> {
    if local.is_empty() || local.len() > MAX_LOCAL {
        return Err(format!("has a local part of {} characters; it must have 1 to {MAX_LOCAL}", local.len()));
    }
    if let Some(c) = local.chars().find(|c| matches!(c, '%' | '!')) {
        return Err(format!("contains {c:?} in its local part, which some relays treat as a route to another host"));
    }
    if let Some(c) = local.chars().find(|c| !is_atext(*c) && *c != '.') {
        return Err(format!("contains {c:?} in its local part"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("has a local part with a leading, trailing or doubled dot".into());
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() || domain.len() > MAX_DOMAIN {
        return Err(format!("has a domain of {} characters; it must have 1 to {MAX_DOMAIN}", domain.len()));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(format!("has the single-label domain {domain:?}; give a full domain such as example.com"));
    }
    for label in &labels {
        let shape_ok = !label.is_empty()
            && label.len() <= MAX_LABEL
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !shape_ok {
            return Err(format!(
                "has the domain label {label:?}; labels are 1 to {MAX_LABEL} letters, digits or inner hyphens"
            ));
        }
    }
    let top = labels[labels.len() - 1];
    if top.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("has the numeric domain {domain:?}; give a domain name, not an IP address"));
    }
    Ok(())
}

/// RFC 5322 `atext`.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn describe(c: char) -> String {
    match c {
        '\r' => "a carriage return (CR)".into(),
        '\n' => "a line feed (LF)".into(),
        '\0' => "a NUL".into(),
        ' ' => "a space".into(),
        c => format!("the control character U+{:04X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::check_address;

    #[test]
    fn bare_addresses_pass() {
        for address in [
            "ada@example.com",
            "ada.lovelace+wishlist@mail.example.co.uk",
            "o'brien@example.ie",
            "x@xn--bcher-kva.example",
            "a_b-c=d@sub-domain.example",
            "1@2.example",
        ] {
            assert_eq!(check_address(address, 254), Ok(()), "{address}");
        }
    }

    #[test]
    fn everything_else_names_its_problem() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("a@{}.example", "b".repeat(64));
        for (address, words) in [
            ("", "is empty"),
            ("Ada <ada@example.com>", "not one bare address"),
            ("ada@example.com, eve@example.com", "not one bare address"),
            ("ada@example.com\r\nBcc: eve@example.com", "carriage return"),
            ("ada@example.com\nBcc: eve@example.com", "line feed"),
            ("\"ada\"@example.com", "not one bare address"),
            ("ada@[127.0.0.1]", "not one bare address"),
            ("@relay.example:ada@example.com", "not one bare address"),
            ("undisclosed-recipients:;", "not one bare address"),
            ("ada(comment)@example.com", "not one bare address"),
            ("ada%eve@example.com", "route to another host"),
            ("relay!ada@example.com", "route to another host"),
            ("ada@localhost", "single-label"),
            ("ada@127.0.0.1", "numeric domain"),
            ("ada@bücher.example", "xn-- form"),
            ("ada@example..com", "domain label"),
            ("ada@-example.com", "domain label"),
            ("ada@@example.com", "more than one @"),
            ("ada.example.com", "has no @"),
            (".ada@example.com", "leading, trailing or doubled dot"),
            ("ada\0@example.com", "NUL"),
            ("ada @example.com", "a space"),
            (&long_local, "local part of 65"),
            (&long_label, "domain label"),
        ] {
            let problem = check_address(address, 254).expect_err(address);
            assert!(problem.contains(words), "{address:?}: {problem}");
        }
        assert!(check_address("ada@example.com", 10).unwrap_err().contains("more than the limit of 10"));
    }
}
