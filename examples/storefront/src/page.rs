//! The storefront page: server-rendered HTML of the tenant's products, with
//! the widgets modules put in the `product-card.actions` slot.
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

use std::fmt::Write as _;
use std::sync::LazyLock;

use base64::Engine as _;
use sha2::Digest as _;

use modgate_host::http::widgets::{ModuleWidgets, WidgetDescriptor};

use crate::catalog::ShopProduct;

/// A product card and what modules added to it.
pub struct Card {
    /// The product.
    pub product: ShopProduct,
    /// Widgets of `product-card.actions`.
    pub actions: Vec<ModuleWidgets>,
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
    html.push_str("</p></header><main class=\"grid\">");
    for card in &model.cards {
        render_card(&mut html, card);
    }
    html.push_str("</main><script>");
    html.push_str(SCRIPT);
    html.push_str("</script></body></html>");
    html
}

fn render_card(html: &mut String, card: &Card) {
    let product = &card.product;
    let _ = write!(
        html,
        "<article class=\"card\"><h2>{name}</h2><p>{description}</p><p class=\"price\">{price}</p><p class=\"stock\">{stock}</p><div class=\"actions\">",
        name = escape(&product.name),
        description = escape(&product.description),
        price = escape(&format!("{}.{:02} {}", product.price_minor / 100, product.price_minor % 100, product.currency)),
        stock = if product.stock > 0 { "In stock" } else { "Sold out" },
    );
    for module in &card.actions {
        for widget in &module.widgets {
            render_widget(html, &module.module, widget);
        }
    }
    html.push_str("</div></article>");
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

const STYLE: &str = "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}header p{color:#555}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1rem}.card{border:1px solid #ddd;border-radius:8px;padding:1rem}.price{font-weight:bold}.stock{color:#666;font-size:.9em}.toggle{border:1px solid #c33;background:#fff;color:#c33;border-radius:4px;padding:.4rem .7rem;cursor:pointer}.toggle[aria-pressed=true]{background:#c33;color:#fff}.badge{padding:.1rem .4rem;border-radius:4px;background:#eee}</style>";

/// The storefront's own script: toggles call the module's endpoint (the
/// browser attaches the session cookie to this same-origin request and
/// says so in `Sec-Fetch-Site`) and update the button from the JSON answer.
pub const SCRIPT: &str = r#"document.addEventListener('click', async (event) => {
  const button = event.target.closest('button.toggle');
  if (!button) return;
  if (document.body.dataset.signedIn !== 'true') { alert('Sign in first (links at the top).'); return; }
  button.disabled = true;
  try {
    const response = await fetch(button.dataset.action, { method: 'POST', credentials: 'same-origin' });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.code : response.status);
    const active = body.saved === true;
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
        let page = render(&PageModel { tenant: "acme", customer: Some("Ada L."), sign_in_as: Vec::new(), cards: Vec::new() });
        assert!(page.contains(&format!("<script>{SCRIPT}</script>")));
        assert!(page.contains("data-signed-in=\"true\""));
        assert_eq!(page.matches("<script").count(), 1);
        assert!(CSP.contains("script-src 'sha256-"));
        assert!(!CSP.contains("script-src 'self'"), "{}", *CSP);
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
