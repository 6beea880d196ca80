//! Writing amounts of money for people: the digest's badge and emails.

/// Currencies without minor units, and with three (ISO 4217); the rest have two.
const NO_DECIMALS: [&str; 16] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF",
];
const THREE_DECIMALS: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// An amount in minor units written in major units, e.g. `1250` EUR → `12.50`.
pub fn amount(minor: i64, currency: &str) -> String {
    let decimals = if NO_DECIMALS.contains(&currency) {
        0
    } else if THREE_DECIMALS.contains(&currency) {
        3
    } else {
        2
    };
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{magnitude}");
    }
    let unit = 10u64.pow(decimals);
    format!(
        "{sign}{}.{:0width$}",
        magnitude / unit,
        magnitude % unit,
        width = decimals as usize
    )
}

#[cfg(test)]
mod tests {
    use super::amount;

    #[test]
    fn amounts_are_written_in_major_units() {
        assert_eq!(amount(1250, "EUR"), "12.50");
        assert_eq!(amount(990, "EUR"), "9.90");
        assert_eq!(amount(5, "USD"), "0.05");
        assert_eq!(amount(-1250, "EUR"), "-12.50");
        assert_eq!(amount(1500, "JPY"), "1500");
        assert_eq!(amount(1500, "KWD"), "1.500");
        assert_eq!(amount(i64::MIN, "EUR"), "-92233720368547758.08");
    }
}
