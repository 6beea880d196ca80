//! World `modgate:commerce/read-orders`.

use modgate_artifacts::CONFORMANCE_READ_ORDERS;

#[test]
pub fn conformance_read_orders() {
    super::granted_world_passes(
        CONFORMANCE_READ_ORDERS,
        "read:orders",
        "expect=o-1;absent=g-o-1;buyer=cu-1;bought=p-1;not-bought=p-2",
        "expect=g-o-1;absent=o-1;buyer=g-cu-1;bought=g-p-1;not-bought=p-1",
    );
}

#[test]
fn conformance_read_orders_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_READ_ORDERS, "read:orders", "modgate:commerce/orders");
}
