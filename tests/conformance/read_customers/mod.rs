//! World `modgate:commerce/read-customers`.

use modgate_tests::Lang;

modgate_tests::in_every_language! {
    conformance_read_customers => granted,
    conformance_read_customers_no_permission => without_the_permission,
}

fn granted(lang: Lang) {
    super::granted_world_passes(lang, "conformance-read-customers",
        "read:customers",
        "expect=cu-1;absent=g-cu-1",
        "expect=g-cu-1;absent=cu-1",
    );
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-read-customers"), "read:customers", "modgate:commerce/customers");
}
