//! Whether a quote is cheaper than the shop, and how that is told: the
//! `mod.price-watch.cheaper-elsewhere` payload and the product card badge.

use modgate_sdk::json;

use modgate_sdk::money;
use crate::quote::Quote;

/// The event emitted when a quote is cheaper: `mod.price-watch.<EVENT>`.
pub const EVENT: &str = "cheaper-elsewhere";

/// Longest badge text the host accepts (characters).
const MAX_BADGE_CHARS: usize = 80;

/// The shop's price for a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OurPrice {
    /// In minor units of `currency`.
    pub minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// Whether `quote` is lower than `ours`. Prices in different currencies are
/// not compared: converting them would need a rate the module does not have.
pub fn is_cheaper(quote: &Quote, ours: &OurPrice) -> bool {
    quote.currency == ours.currency && quote.price_minor < ours.minor
}

/// The `cheaper-elsewhere` payload: `{"product_id", "our_price_minor",
/// "their_price_minor", "currency", "seller"}`.
pub fn payload(product_id: &str, quote: &Quote, ours: &OurPrice) -> String {
    format!(
        "{{\"product_id\":{},\"our_price_minor\":{},\"their_price_minor\":{},\"currency\":{},\"seller\":{}}}",
        json::string(product_id),
        ours.minor,
        quote.price_minor,
        json::string(&quote.currency),
        json::string(&quote.seller),
    )
}

/// The badge, e.g. `Seen for $12.99 at Example Prices`: plain text the host
/// accepts whatever the seller's name — no markup characters, at most
/// [`MAX_BADGE_CHARS`] characters (a long name is shortened with `…`).
pub fn badge_text(quote: &Quote) -> String {
    let price = money::price(quote.price_minor, &quote.currency);
    let seller: String = quote
        .seller
        .chars()
        .filter(|c| !matches!(c, '<' | '>'))
        .collect();
    let seller = seller.trim();
    let prefix = format!("Seen for {price} at ");
    let room = MAX_BADGE_CHARS.saturating_sub(prefix.chars().count());
    if seller.is_empty() || room < 2 {
        return format!("Seen for {price} elsewhere");
    }
    if seller.chars().count() <= room {
        return format!("{prefix}{seller}");
    }
    let cut: String = seller.chars().take(room - 1).collect();
    format!("{prefix}{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(price_minor: i64, currency: &str, seller: &str) -> Quote {
        Quote {
            price_minor,
            currency: currency.into(),
            seller: seller.into(),
        }
    }

    fn ours(minor: i64, currency: &str) -> OurPrice {
        OurPrice {
            minor,
            currency: currency.into(),
        }
    }

    #[test]
    fn only_a_lower_price_in_the_same_currency_is_cheaper() {
        assert!(is_cheaper(&quote(1299, "USD", "x"), &ours(1500, "USD")));
        assert!(!is_cheaper(&quote(1500, "USD", "x"), &ours(1500, "USD")));
        assert!(!is_cheaper(&quote(1600, "USD", "x"), &ours(1500, "USD")));
        assert!(!is_cheaper(&quote(1, "EUR", "x"), &ours(1500, "USD")));
    }

    #[test]
    fn the_payload_is_the_documented_json() {
        let text = payload(
            "p1",
            &quote(1299, "USD", "Example <Prices>"),
            &ours(1500, "USD"),
        );
        let parsed = json::parse(&text).unwrap();
        assert_eq!(parsed.get_str("product_id"), Some("p1"));
        assert_eq!(parsed.get_i64("our_price_minor"), Some(1500));
        assert_eq!(parsed.get_i64("their_price_minor"), Some(1299));
        assert_eq!(parsed.get_str("currency"), Some("USD"));
        assert_eq!(parsed.get_str("seller"), Some("Example <Prices>"));
        assert!(!text.contains('<'), "{text}");
    }

    #[test]
    fn the_badge_names_the_price_and_the_seller() {
        assert_eq!(
            badge_text(&quote(1299, "USD", "Example Prices")),
            "Seen for $12.99 at Example Prices"
        );
        assert_eq!(
            badge_text(&quote(1299, "USD", "<>")),
            "Seen for $12.99 elsewhere"
        );
        let long = badge_text(&quote(1299, "USD", &"s".repeat(100)));
        assert!(
            long.ends_with("s…") && long.chars().count() == MAX_BADGE_CHARS,
            "{long}"
        );
    }

    #[test]
    fn any_seller_gives_a_badge_the_host_accepts() {
        for (price, seller) in [
            (1299, "<script>alert(1)</script>"),
            (1299, "<>"),
            (1299, &"s".repeat(100)),
            (i64::MAX, &"s".repeat(100)),
            (1299, "Ünïcödé 🛒 shop"),
        ] {
            let text = badge_text(&quote(price, "USD", seller));
            assert!(!text.contains(['<', '>']), "{text}");
            assert!(
                text.chars().count() <= 80,
                "{} chars: {text}",
                text.chars().count()
            );
            assert!(!text.chars().any(char::is_control), "{text}");
        }
    }
}
