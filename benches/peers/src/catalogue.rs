//! The one product every row looks up: `p-1` of modgate's sample catalogue
//! (`InMemoryCommerce::sample()`), so every peer's host call builds the same
//! record the modgate row's provider returns.

/// A product as the host hands it to a handler.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub category_ids: Vec<String>,
    pub in_stock: bool,
}

/// The id every handler asks for.
pub const PRODUCT_ID: &str = "p-1";

/// What every handler that returns text must return for [`PRODUCT_ID`].
pub const EXPECTED_TEXT: &str = "Espresso cup: 1250 EUR";

/// The host side of `get_product`: a fresh record per call (owned strings,
/// as a provider reading its store hands out), `None` for an unknown id.
pub fn get_product(id: &str) -> Option<Product> {
    (id == PRODUCT_ID).then(|| Product {
        id: PRODUCT_ID.to_owned(),
        sku: "SKU-1".to_owned(),
        name: "Espresso cup".to_owned(),
        description: "Espresso cup, from the sample catalogue.".to_owned(),
        price_minor: 1250,
        currency: "EUR".to_owned(),
        category_ids: vec!["c-1".to_owned()],
        in_stock: true,
    })
}

/// The text a handler returns for `product`: the same string in every row
/// that returns one.
pub fn describe(product: &Product) -> String {
    format!(
        "{}: {} {}",
        product.name, product.price_minor, product.currency
    )
}
