//! How a C resolver reads a host name that is really a number: glibc's
//! `inet_aton` (which `getaddrinfo` tries first) takes one to four parts,
//! each decimal, octal (`0` prefix) or hex (`0x` prefix), the last part
//! filling the remaining bytes: `127.1`, `0x7f000001`, `017700000001`. A
//! name the SSRF guard keeps as a *name* must not be one of these, or the
//! resolver would connect to an address the guard never checked.

use std::net::Ipv4Addr;

/// The address `inet_aton` reads from `name`, if it reads one.
pub fn inet_aton(name: &str) -> Option<Ipv4Addr> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let parts: Vec<&str> = name.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let values: Vec<u64> = parts.iter().map(|part| number(part)).collect::<Option<_>>()?;
    let (last, leading) = values.split_last()?;
    if leading.iter().any(|v| *v > 255) {
        return None;
    }
    let last_bits = 8 * (4 - leading.len() as u32);
    if last_bits < 64 && *last >= 1u64 << last_bits {
        return None;
    }
    let mut address: u64 = 0;
    for v in leading {
        address = (address << 8) | v;
    }
    address = (address << last_bits) | last;
    Some(Ipv4Addr::from(address as u32))
}

fn number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        // `0x` alone is zero to glibc.
        return (radix == 16).then_some(0);
    }
    // Digits only: `from_str_radix` would take a sign, glibc does not.
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok().filter(|v| *v <= u32::MAX as u64)
}

#[cfg(test)]
mod tests {
    use super::inet_aton;

    #[test]
    fn reads_what_glibc_reads() {
        assert_eq!(inet_aton("127.1"), Some([127, 0, 0, 1].into()));
        assert_eq!(inet_aton("0x7f000001"), Some([127, 0, 0, 1].into()));
        assert_eq!(inet_aton("0177.0.0.1"), Some([127, 0, 0, 1].into()));
        assert_eq!(inet_aton("2130706433"), Some([127, 0, 0, 1].into()));
        assert_eq!(inet_aton("example.com"), None);
        assert_eq!(inet_aton("1.2.3.4.5"), None);
    }
}
