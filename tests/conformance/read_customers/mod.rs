//! World `modgate:commerce/read-customers`.

use modgate_artifacts::CONFORMANCE_READ_CUSTOMERS;

#[test]
pub fn conformance_read_customers() {
    super::granted_world_passes(
        CONFORMANCE_READ_CUSTOMERS,
        "read:customers",
        "expect=cu-1;absent=g-cu-1",
        "expect=g-cu-1;absent=cu-1",
    );
}

#[test]
fn conformance_read_customers_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_READ_CUSTOMERS, "read:customers", "modgate:commerce/customers");
}
