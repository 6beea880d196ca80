//! The floor: the handler as a plain Rust function, calling the host's
//! `get_product` through a closure the optimiser cannot see through.

use std::hint::black_box;

use crate::catalogue::{self, EXPECTED_TEXT, PRODUCT_ID, Product};
use crate::measure::{Row, row};

/// The row's label (the table's ratios are taken to it).
pub const LABEL: &str = "native Rust (function + host closure)";

/// The handler: one host call, one string.
fn handle(get_product: &dyn Fn(&str) -> Option<Product>, id: &str) -> anyhow::Result<String> {
    let product = get_product(id).ok_or_else(|| anyhow::anyhow!("no product {id}"))?;
    Ok(catalogue::describe(&product))
}

/// The handler called directly.
pub fn rows() -> anyhow::Result<Vec<Row>> {
    // `black_box` on the host function and the id keeps the call (and the
    // record it builds) from being inlined away or hoisted out of the loop.
    let host: &dyn Fn(&str) -> Option<Product> = black_box(&catalogue::get_product);
    anyhow::ensure!(
        handle(host, PRODUCT_ID)? == EXPECTED_TEXT,
        "native handler returned the wrong text"
    );
    Ok(vec![row(LABEL, move || handle(host, black_box(PRODUCT_ID)))])
}
