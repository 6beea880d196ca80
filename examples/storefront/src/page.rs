//! The storefront page: server-rendered HTML of the tenant's products, with
//! the widgets modules put in the `product-card.badges` and
//! `product-card.actions` slots.
//!
//! Widgets are data. The page maps each type to its own markup and escapes
//! every string; a module never contributes HTML or script. The only script
//! is the storefront's own, inline and allowed by its hash in the page's
//! Content-Security-Policy: not `'self'`, because modules serve from this
//! origin too and none of their responses may ever run as the page's script.
//!
//! The page holds no credential: the customer is signed in by an `HttpOnly`
//! session cookie the script cannot read, and the script's requests carry it
//! because they are same-origin.
//!
//! Each card shows the rating modules filled in through the `after-read
//! product` hooks (nothing when none did) and, for a signed-in customer, a
//! plain form posting a review to the storefront ([`crate::review_form`]).

use std::fmt::Write as _;
use std::sync::LazyLock;

use base64::Engine as _;
use sha2::Digest as _;

use modgate_host::http::widgets::{ModuleWidgets, WidgetDescriptor};

use crate::catalog::ShopProduct;
use crate::hookable::Rating;
use crate::reviews::MAX_BODY_CHARS;

/// A product card and what modules added to it.
pub struct Card {
    /// The product.
    pub product: ShopProduct,
    /// Widgets of `product-card.badges` (under the price).
    pub badges: Vec<ModuleWidgets>,
    /// Widgets of `product-card.actions`.
    pub actions: Vec<ModuleWidgets>,
    /// The rating the `after-read` hooks filled in, if any did.
    pub rating: Option<Rating>,
}

/// What the page says about the review the customer just sent.
pub struct ReviewNotice {
    /// The product reviewed.
    pub product_id: String,
    /// How it went.
    pub outcome: ReviewOutcome,
}

/// How posting a review went.
pub enum ReviewOutcome {
    /// It is stored.
    Posted,
    /// It was refused: the messages (plain text) and what the customer
    /// wrote, given back in the product's form to correct.
    Refused {
        /// For the customer.
        messages: Vec<String>,
        /// The stars chosen.
        rating: i64,
        /// The text written.
        body: String,
    },
}

/// What the page shows.
pub struct PageModel<'a> {
    /// The tenant.
    pub tenant: &'a str,
    /// The signed-in customer's display name, if any.
    pub customer: Option<&'a str>,
    /// Customers one can sign in as (id, display name).
    pub sign_in_as: Vec<(&'a str, &'a str)>,
    /// The cards.
    pub cards: Vec<Card>,
    /// The outcome of a review just sent, if any.
    pub notice: Option<ReviewNotice>,
}

/// The Content-Security-Policy of the page: its own inline script (by
/// hash) and nothing else runs; requests go to its own origin only.
pub static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SCRIPT.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
});

/// Renders the page.
pub fn render(model: &PageModel<'_>) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>modgate storefront · {tenant}</title>",
        tenant = escape(model.tenant)
    );
    html.push_str(STYLE);
    let _ = write!(
        html,
        "</head><body data-signed-in=\"{}\"><header><h1>modgate storefront</h1>",
        model.customer.is_some()
    );
    let _ = write!(html, "<p>Tenant <b>{}</b>. ", escape(model.tenant));
    match model.customer {
        Some(name) => {
            let _ = write!(html, "Signed in as <b>{}</b> · <a href=\"/logout\">sign out</a>", escape(name));
        }
        None => {
            html.push_str("Sign in as:");
            for (id, name) in &model.sign_in_as {
                let _ = write!(html, " <a href=\"/login/{}\">{}</a>", escape(id), escape(name));
            }
        }
    }
    html.push_str("</p>");
    if let Some(notice) = &model.notice {
        render_notice(&mut html, notice, &model.cards);
    }
    html.push_str("</header><main class=\"grid\">");
    for card in &model.cards {
        let draft = model.notice.as_ref().filter(|n| n.product_id == card.product.id);
        render_card(&mut html, card, model.customer.is_some(), draft);
    }
    html.push_str("</main><script>");
    html.push_str(SCRIPT);
    html.push_str("</script></body></html>");
    html
}

fn render_card(html: &mut String, card: &Card, signed_in: bool, notice: Option<&ReviewNotice>) {
    let product = &card.product;
    let _ = write!(
        html,
        "<article class=\"card\" id=\"product-{id}\"><h2>{name}</h2><p>{description}</p><p class=\"price\">{price}</p><p class=\"stock\">{stock}</p>",
        id = escape(&product.id),
        name = escape(&product.name),
        description = escape(&product.description),
        price = escape(&format!("{}.{:02} {}", product.price_minor / 100, product.price_minor % 100, product.currency)),
        stock = if product.stock > 0 { "In stock" } else { "Sold out" },
    );
    for (class, slot) in [("badges", &card.badges), ("actions", &card.actions)] {
        let _ = write!(html, "<div class=\"{class}\">");
        for module in slot {
            for widget in &module.widgets {
                render_widget(html, &module.module, widget);
            }
        }
        html.push_str("</div>");
    }
    if let Some(rating) = card.rating {
        let _ = write!(html, "<p class=\"rating\">{}</p>", escape(&rating_text(rating)));
    }
    if signed_in {
        render_review_form(html, &product.id, notice);
    }
    html.push_str("</article>");
}

/// `★ 4.5 (2 reviews)`, or `No reviews yet`.
pub fn rating_text(rating: Rating) -> String {
    let count = match rating.count {
        0 => return "No reviews yet".to_owned(),
        1 => "1 review".to_owned(),
        n => format!("{n} reviews"),
    };
    match rating.average {
        Some(average) => format!("★ {average:.1} ({count})"),
        None => format!("({count})"),
    }
}

/// The card's review form: a plain POST to the storefront (no script), sent
/// with the session cookie because it is the shop's own page.
fn render_review_form(html: &mut String, product_id: &str, notice: Option<&ReviewNotice>) {
    let (chosen, body) = match notice.map(|n| &n.outcome) {
        Some(ReviewOutcome::Refused { rating, body, .. }) => (*rating, body.as_str()),
        _ => (5, ""),
    };
    let _ = write!(
        html,
        "<form class=\"review\" method=\"post\" action=\"/products/{id}/reviews\"><label>Your rating <select name=\"rating\">",
        id = escape(product_id)
    );
    for stars in (1..=5).rev() {
        let selected = if stars == chosen { " selected" } else { "" };
        let _ = write!(html, "<option value=\"{stars}\"{selected}>{stars} ★</option>");
    }
    let _ = write!(
        html,
        "</select></label><textarea name=\"body\" rows=\"3\" maxlength=\"{MAX_BODY_CHARS}\" required placeholder=\"What did you think?\">{}</textarea><button type=\"submit\">Post review</button></form>",
        escape(body)
    );
}

/// The outcome of the review just sent, at the top of the page.
fn render_notice(html: &mut String, notice: &ReviewNotice, cards: &[Card]) {
    let product = cards
        .iter()
        .find(|card| card.product.id == notice.product_id)
        .map(|card| card.product.name.as_str());
    match &notice.outcome {
        // Only for a product of this shop: the link is anyone's to craft.
        ReviewOutcome::Posted => {
            if let Some(product) = product {
                let _ = write!(html, "<p class=\"notice posted\" role=\"status\">Thank you: your review of {} is posted.</p>", escape(product));
            }
        }
        ReviewOutcome::Refused { messages, .. } => {
            let _ = write!(html, "<div class=\"notice refused\" role=\"alert\"><p>Your review of {} was not posted:</p><ul>", escape(product.unwrap_or("the product")));
            for message in messages {
                let _ = write!(html, "<li>{}</li>", escape(message));
            }
            html.push_str("</ul></div>");
        }
    }
}

fn render_widget(html: &mut String, module: &str, widget: &WidgetDescriptor) {
    let module = escape(module);
    let _ = match widget {
        WidgetDescriptor::ToggleButton { label, active_label, active, action } => write!(
            html,
            "<button class=\"toggle\" data-module=\"{module}\" data-action=\"{action}\" data-label=\"{label}\" data-active-label=\"{active_label}\" aria-pressed=\"{active}\">{shown}</button>",
            action = escape(action),
            label = escape(label),
            active_label = escape(active_label),
            shown = escape(if *active { active_label } else { label }),
        ),
        WidgetDescriptor::Badge { text, tone } => {
            write!(html, "<span class=\"badge tone-{tone}\" data-module=\"{module}\">{}</span>", escape(text))
        }
        WidgetDescriptor::Text { text } => write!(html, "<p class=\"module-text\" data-module=\"{module}\">{}</p>", escape(text)),
        WidgetDescriptor::Link { label, href } => write!(
            html,
            "<a class=\"module-link\" data-module=\"{module}\" href=\"{}\">{}</a>",
            escape(href),
            escape(label)
        ),
    };
}

/// HTML-escapes text for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}header p{color:#555}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1rem}.card{border:1px solid #ddd;border-radius:8px;padding:1rem}.price{font-weight:bold}.stock{color:#666;font-size:.9em}.toggle{border:1px solid #c33;background:#fff;color:#c33;border-radius:4px;padding:.4rem .7rem;cursor:pointer}.toggle[aria-pressed=true]{background:#c33;color:#fff}.badge{padding:.1rem .4rem;border-radius:4px;background:#eee}.rating{color:#a60}.review{display:grid;gap:.4rem;margin-top:.6rem}.notice{padding:.5rem 1rem;border-radius:6px}.posted{background:#e8f5e9}.refused{background:#fdecea}</style>";

/// The storefront's own script: toggles call the module's endpoint (the
/// browser attaches the session cookie to this same-origin request and
/// says so in `Sec-Fetch-Site`) and update the button from the JSON
/// answer's `active` (see "Slots" in docs/writing-a-module.md).
pub const SCRIPT: &str = r#"document.addEventListener('click', async (event) => {
  const button = event.target.closest('button.toggle');
  if (!button) return;
  if (document.body.dataset.signedIn !== 'true') { alert('Sign in first (links at the top).'); return; }
  button.disabled = true;
  try {
    const response = await fetch(button.dataset.action, { method: 'POST', credentials: 'same-origin' });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.code : response.status);
    const active = body.active === true;
    button.setAttribute('aria-pressed', String(active));
    button.textContent = active ? button.dataset.activeLabel : button.dataset.label;
  } catch (error) {
    alert('The module could not answer: ' + error.message);
  } finally {
    button.disabled = false;
  }
});
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_allows_only_its_own_inline_script() {
        let page = render(&PageModel { tenant: "acme", customer: Some("Ada L."), sign_in_as: Vec::new(), cards: Vec::new(), notice: None });
        assert!(page.contains(&format!("<script>{SCRIPT}</script>")));
        assert!(page.contains("data-signed-in=\"true\""));
        assert_eq!(page.matches("<script").count(), 1);
        assert!(CSP.contains("script-src 'sha256-"));
        assert!(!CSP.contains("script-src 'self'"), "{}", *CSP);
    }

    #[test]
    fn ratings_read_as_stars_and_counts() {
        assert_eq!(rating_text(Rating { average: None, count: 0 }), "No reviews yet");
        assert_eq!(rating_text(Rating { average: Some(5.0), count: 1 }), "★ 5.0 (1 review)");
        assert_eq!(rating_text(Rating { average: Some(4.5), count: 2 }), "★ 4.5 (2 reviews)");
    }

    #[test]
    fn a_refusal_is_escaped_and_the_draft_given_back() {
        let product = ShopProduct {
            id: "cup".into(),
            name: "Cup".into(),
            description: String::new(),
            price_minor: 100,
            currency: "EUR".into(),
            stock: 1,
        };
        let notice = ReviewNotice {
            product_id: "cup".into(),
            outcome: ReviewOutcome::Refused {
                messages: vec!["Please remove \"<b>scam</b>\" from your review.".into()],
                rating: 2,
                body: "</textarea><script>x</script>".into(),
            },
        };
        let card = Card { product, badges: Vec::new(), actions: Vec::new(), rating: None };
        let page = render(&PageModel { tenant: "acme", customer: Some("Ada L."), sign_in_as: Vec::new(), cards: vec![card], notice: Some(notice) });
        assert!(page.contains("<li>Please remove &quot;&lt;b&gt;scam&lt;/b&gt;&quot; from your review.</li>"), "{page}");
        assert!(page.contains("&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>"), "{page}");
        assert!(page.contains(r#"<option value="2" selected>"#), "{page}");
        assert_eq!(page.matches("<script").count(), 1);
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
