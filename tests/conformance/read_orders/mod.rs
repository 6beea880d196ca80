//! World `modgate:commerce/read-orders`.

use modgate_tests::Lang;

modgate_tests::in_every_language! {
    conformance_read_orders => granted,
    conformance_read_orders_no_permission => without_the_permission,
}

fn granted(lang: Lang) {
    super::granted_world_passes(lang, "conformance-read-orders",
        "read:orders",
        "expect=o-1;absent=g-o-1;buyer=cu-1;bought=p-1;not-bought=p-2",
        "expect=g-o-1;absent=o-1;buyer=g-cu-1;bought=g-p-1;not-bought=p-1",
    );
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-read-orders"), "read:orders", "modgate:commerce/orders");
}
