//! The wishlist reference module: a signed-in customer keeps a list of
//! products.
//!
//! - Its data lives in its own table `mod_wishlist_items` (declared in
//!   `module.toml`, created per tenant by the host).
//! - Endpoints under `/modules/wishlist/` act for the customer the host
//!   verified ([`Request::customer_id`]); a customer id in the body, query or
//!   headers is never read.
//! - The `product-card.actions` slot renders a toggle button, and a badge
//!   when the product's price dropped since the customer saved it.
//! - It subscribes to `product.price-changed` and keeps a digest of price
//!   drops per customer (`digest.rs`), served at `GET /digest`; each
//!   customer with a new entry gets one email about it (`digest_mail.rs`,
//!   permission `email:send`), once per drop however often the event is
//!   delivered.
//! - The `max-items` setting caps each customer's list (`limit.rs`).
//! - All SQL is parameterised; the one piece of SQL text that depends on the
//!   request, the sort column, comes from an allowlist.

mod digest;
mod digest_mail;
mod limit;

use modgate_sdk::commerce::{Page, products};
use modgate_sdk::events::{CoreEvent, CorePayload};
use modgate_sdk::json;
use modgate_sdk::tables::{self, Value};
use modgate_sdk::{
    Badge, Error, ErrorCode, Module, Request, Response, Serve, SlotRequest, Slots, Subscriber,
    ToggleButton, Tone, Widget, log, settings,
};

struct Wishlist;

/// Sort orders a client may ask for, mapped to fixed SQL.
const SORTS: [(&str, &str); 4] = [
    ("newest", "created_at DESC"),
    ("oldest", "created_at ASC"),
    ("product", "product_id ASC"),
    ("product-desc", "product_id DESC"),
];

/// Longest product id accepted in a path.
const MAX_PRODUCT_ID: usize = 64;

impl Module for Wishlist {
    fn activate(settings: &str) -> Result<(), Error> {
        if !settings.trim_start().starts_with('{') {
            return Err(Error::invalid("settings must be a JSON object"));
        }
        let saved = tables::query("SELECT count(*) FROM mod_wishlist_items", &[])?;
        let count = match saved.rows.first().and_then(|row| row.first()) {
            Some(Value::Integer(n)) => *n,
            _ => 0,
        };
        match products::list(Page { offset: 0, limit: 1 }) {
            Ok(sample) => log::info(&format!(
                "wishlist activated: {count} saved item(s); catalogue reachable ({} product(s) in the first page)",
                sample.len()
            )),
            // A host without a catalogue (the bare `modgate` CLI) can still
            // install the module; the storefront provides one.
            Err(e) if e.code == ErrorCode::NotAvailable => {
                log::warn(&format!("wishlist activated: {count} saved item(s); no catalogue on this host yet"))
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

impl Serve for Wishlist {
    fn handle(request: Request) -> Response {
        let Some(customer) = request.customer_id().map(str::to_owned) else {
            return error(401, "login-required", "sign in to use the wishlist");
        };
        let segments = request.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let result = match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["items"]) => list(&customer, &request).map_err(Refusal::from),
            ("POST", ["items", product]) => add(&customer, product).map(|()| item_state(product, true)),
            ("DELETE", ["items", product]) => remove(&customer, product).map(|()| item_state(product, false)).map_err(Refusal::from),
            ("POST", ["items", product, "toggle"]) => toggle(&customer, product),
            ("GET", ["digest"]) => digest::list(&customer).map(|body| Response::json(200, body)).map_err(Refusal::from),
            _ => return error(404, "not-found", "no such wishlist endpoint"),
        };
        result.unwrap_or_else(Refusal::into_response)
    }
}

impl Subscriber for Wishlist {
    fn core_event(event: CoreEvent) -> Result<(), Error> {
        match &event.payload {
            CorePayload::ProductPriceChanged(change) => digest::record(&event.id, change),
            // Not in the manifest's subscriptions: never delivered.
            _ => Ok(()),
        }
    }
}

/// Why a request was not carried out.
enum Refusal {
    /// A capability call failed.
    Host(Error),
    /// The customer's list already holds `max-items` products.
    Full { limit: u32 },
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        Refusal::Host(e)
    }
}

impl Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Host(e) => from_error(&e),
            Refusal::Full { limit } => error(
                409,
                "wishlist-full",
                &format!("your wishlist holds its maximum of {limit} products: remove one to add another"),
            ),
        }
    }
}

impl Slots for Wishlist {
    fn render(request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let Some(product) = request.product_id else { return Ok(Vec::new()) };
        if check_product_id(&product).is_err() {
            return Ok(Vec::new());
        }
        // At most two queries: the slot budget is 10 operations.
        let (active, drop) = match &request.customer_id {
            Some(customer) => (is_saved(customer, &product)?, digest::latest_drop(customer, &product)?),
            None => (false, None),
        };
        let mut widgets = vec![Widget::ToggleButton(ToggleButton {
            label: "Add to wishlist".to_owned(),
            active_label: "On your wishlist".to_owned(),
            active,
            action: format!("/modules/wishlist/items/{product}/toggle"),
        })];
        if let Some(text) = drop {
            widgets.push(Widget::Badge(Badge { text, tone: Tone::Success }));
        }
        Ok(widgets)
    }
}

fn list(customer: &str, request: &Request) -> Result<Response, Error> {
    let sort = request.query_param("sort").unwrap_or_else(|| "newest".to_owned());
    let Some((_, order_by)) = SORTS.iter().find(|(name, _)| *name == sort) else {
        let allowed: Vec<&str> = SORTS.iter().map(|(name, _)| *name).collect();
        return Ok(error(400, "invalid-sort", &format!("sort must be one of {}", allowed.join(", "))));
    };
    let rows = tables::query(
        &format!(
            "SELECT product_id, note, created_at FROM mod_wishlist_items WHERE customer_id = ?1 ORDER BY {order_by} LIMIT 500"
        ),
        &[Value::Text(customer.to_owned())],
    )?;
    let items: Vec<String> = rows
        .rows
        .iter()
        .map(|row| {
            let text = |i: usize| match row.get(i) {
                Some(Value::Text(t)) => json::string(t),
                _ => "null".to_owned(),
            };
            format!("{{\"product_id\":{},\"note\":{},\"added_at\":{}}}", text(0), text(1), text(2))
        })
        .collect();
    Ok(Response::json(200, format!("{{\"items\":[{}]}}", items.join(","))))
}

fn add(customer: &str, product: &str) -> Result<(), Refusal> {
    check_product_id(product)?;
    // Only products of this tenant's catalogue can be saved.
    products::get(product).map_err(|e| match e.code {
        ErrorCode::NotFound => Error::not_found(format!("no product {product}")),
        _ => e,
    })?;
    // Saving a saved product again changes nothing, even on a full list.
    if is_saved(customer, product)? {
        return Ok(());
    }
    // A soft cap: two adds racing for the last place may both succeed.
    let limit = limit::max_items(&settings::get());
    if saved_count(customer)? >= i64::from(limit) {
        return Err(Refusal::Full { limit });
    }
    tables::exec(
        "INSERT INTO mod_wishlist_items (customer_id, product_id) VALUES (?1, ?2)",
        &[Value::Text(customer.to_owned()), Value::Text(product.to_owned())],
    )?;
    Ok(())
}

fn remove(customer: &str, product: &str) -> Result<(), Error> {
    check_product_id(product)?;
    tables::exec(
        "DELETE FROM mod_wishlist_items WHERE customer_id = ?1 AND product_id = ?2",
        &[Value::Text(customer.to_owned()), Value::Text(product.to_owned())],
    )?;
    Ok(())
}

fn toggle(customer: &str, product: &str) -> Result<Response, Refusal> {
    check_product_id(product)?;
    let saved = !is_saved(customer, product)?;
    if saved {
        add(customer, product)?;
    } else {
        remove(customer, product)?;
    }
    // `active` is the new state the slot's toggle button shows.
    Ok(Response::json(
        200,
        format!("{{\"product_id\":{},\"saved\":{saved},\"active\":{saved}}}", json::string(product)),
    ))
}

fn saved_count(customer: &str) -> Result<i64, Error> {
    let counted = tables::query(
        "SELECT count(*) FROM mod_wishlist_items WHERE customer_id = ?1",
        &[Value::Text(customer.to_owned())],
    )?;
    match counted.rows.first().and_then(|row| row.first()) {
        Some(Value::Integer(n)) => Ok(*n),
        // Fail closed: an unreadable count must not lift the cap.
        other => Err(Error::handler(format!("count(*) returned {other:?}"))),
    }
}

fn is_saved(customer: &str, product: &str) -> Result<bool, Error> {
    let found = tables::query(
        "SELECT 1 FROM mod_wishlist_items WHERE customer_id = ?1 AND product_id = ?2",
        &[Value::Text(customer.to_owned()), Value::Text(product.to_owned())],
    )?;
    Ok(!found.rows.is_empty())
}

fn check_product_id(product: &str) -> Result<(), Error> {
    let valid = !product.is_empty()
        && product.len() <= MAX_PRODUCT_ID
        && product.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid("a product id is 1 to 64 letters, digits, '-' or '_'"))
    }
}

fn item_state(product: &str, saved: bool) -> Response {
    Response::json(200, format!("{{\"product_id\":{},\"saved\":{saved}}}", json::string(product)))
}

fn from_error(e: &Error) -> Response {
    Response::from_error(e, "the wishlist could not answer")
}

fn error(status: u16, code: &str, message: &str) -> Response {
    Response::error(status, code, message)
}

modgate_sdk::export_module!(Wishlist);
