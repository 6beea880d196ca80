//! Writing amounts of money for people (badges, emails, pages). Prices
//! arrive in minor units with an ISO 4217 code (`modgate:commerce` `money`).

/// Currencies without minor units, and with three (ISO 4217); the rest have two.
const NO_DECIMALS: [&str; 16] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF",
];
const THREE_DECIMALS: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Currencies written with a symbol in front; the rest get their code after.
const SYMBOLS: [(&str, &str); 3] = [("USD", "$"), ("EUR", "€"), ("GBP", "£")];

/// An amount in minor units written in major units, e.g. `1250` EUR →
/// `12.50`, `1500` JPY → `1500`, `1500` KWD → `1.500`.
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

/// `minor` units of `currency` as a shopper reads them, e.g. `1299` USD →
/// `$12.99`, `1500` JPY → `1500 JPY`.
pub fn price(minor: i64, currency: &str) -> String {
    let amount = amount(minor, currency);
    match SYMBOLS.iter().find(|(code, _)| *code == currency) {
        Some((_, symbol)) => format!("{symbol}{amount}"),
        None => format!("{amount} {currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{amount, price};

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

    #[test]
    fn prices_are_written_as_shoppers_read_them() {
        assert_eq!(price(1299, "USD"), "$12.99");
        assert_eq!(price(990, "EUR"), "€9.90");
        assert_eq!(price(5, "GBP"), "£0.05");
        assert_eq!(price(1500, "JPY"), "1500 JPY");
        assert_eq!(price(1500, "KWD"), "1.500 KWD");
        assert_eq!(price(12345, "CHF"), "123.45 CHF");
    }
}
