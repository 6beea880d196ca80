//! World `modgate:commerce/read-products`.

use modgate_artifacts::CONFORMANCE_READ_PRODUCTS;

#[test]
pub fn conformance_read_products() {
    super::granted_world_passes(
        CONFORMANCE_READ_PRODUCTS,
        "read:products",
        "expect=p-1;absent=g-p-1",
        "expect=g-p-1;absent=p-1",
    );
}

#[test]
fn conformance_read_products_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_READ_PRODUCTS, "read:products", "modgate:commerce/products");
}
