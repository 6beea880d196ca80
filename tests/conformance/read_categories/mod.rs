//! World `modgate:commerce/read-categories`.

use modgate_artifacts::CONFORMANCE_READ_CATEGORIES;

#[test]
pub fn conformance_read_categories() {
    super::granted_world_passes(
        CONFORMANCE_READ_CATEGORIES,
        "read:categories",
        "expect=c-1;absent=g-c-1",
        "expect=g-c-1;absent=c-1",
    );
}

#[test]
fn conformance_read_categories_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_READ_CATEGORIES, "read:categories", "modgate:commerce/categories");
}
