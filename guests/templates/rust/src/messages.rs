//! What the module says, apart from the host calls: `cargo test` checks it
//! natively, without a host.
{%- if serve or hooks %}

use modgate_sdk::json;
{%- endif %}
{%- if events %}
use modgate_sdk::money;
{%- endif %}

/// The log line of `activate`.
pub fn activated(module: &str) -> String {
    format!("{module} activated")
}
{%- if serve %}

/// The body of `GET /hello`.
pub fn hello(module: &str, customer: Option<&str>) -> String {
    let customer = json::string(customer.unwrap_or("anonymous"));
    ["{\"hello\":", &customer, ",\"module\":", &json::string(module), "}"].concat()
}
{%- endif %}
{%- if serve and tables %}

/// Why a note cannot be saved, if it cannot.
pub fn note_problem(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        Some("a note needs some text")
    } else if text.chars().count() > 500 {
        Some("a note has at most 500 characters")
    } else {
        None
    }
}
{%- endif %}
{%- if slots %}

/// The badge on a product card.
pub fn badge(module: &str) -> String {
    format!("Hello from {module}")
}
{%- endif %}
{%- if events %}

/// The log line (and note) of a price change.
pub fn price_changed(product: &str, before: (i64, &str), after: (i64, &str)) -> String {
    format!(
        "price of {product} changed: {} -> {}",
        money::price(before.0, before.1),
        money::price(after.0, after.1)
    )
}
{%- endif %}
{%- if hooks %}

/// Why a review is refused, if it is.
pub fn review_problem(body: &str) -> Option<&'static str> {
    body.to_lowercase().contains("spam").then_some("Reviews may not advertise.")
}
{%- endif %}

#[cfg(test)]
mod tests {
    use super::*;
{%- if serve %}

    #[test]
    fn hello_names_the_customer_or_anonymous() {
        assert_eq!(hello("{{ name }}", Some("cust_123")), "{\"hello\":\"cust_123\",\"module\":\"{{ name }}\"}");
        assert!(hello("{{ name }}", None).contains(r#""hello":"anonymous""#));
    }
{%- endif %}
{%- if serve and tables %}

    #[test]
    fn empty_and_overlong_notes_are_refused() {
        assert!(note_problem("").is_some());
        assert!(note_problem(&"x".repeat(501)).is_some());
        assert_eq!(note_problem("nice"), None);
    }
{%- endif %}
{%- if slots %}

    #[test]
    fn the_badge_names_the_module() {
        assert_eq!(badge("{{ name }}"), "Hello from {{ name }}");
    }
{%- endif %}
{%- if events %}

    #[test]
    fn a_price_change_reads_before_and_after() {
        assert_eq!(price_changed("p1", (1250, "EUR"), (990, "EUR")), "price of p1 changed: €12.50 -> €9.90");
    }
{%- endif %}
{%- if hooks %}

    #[test]
    fn spam_is_refused_in_any_case() {
        assert!(review_problem("Buy SPAM now").is_some());
        assert_eq!(review_problem("Lovely cup"), None);
    }
{%- endif %}

    #[test]
    fn activation_is_logged_with_the_modules_name() {
        assert_eq!(activated("{{ name }}"), "{{ name }} activated");
    }
}
