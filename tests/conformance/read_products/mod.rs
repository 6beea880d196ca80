//! World `modgate:commerce/read-products`.

use modgate_tests::Lang;

modgate_tests::in_every_language! {
    conformance_read_products => granted,
    conformance_read_products_no_permission => without_the_permission,
}

fn granted(lang: Lang) {
    super::granted_world_passes(lang, "conformance-read-products",
        "read:products",
        "expect=p-1;absent=g-p-1",
        "expect=g-p-1;absent=p-1",
    );
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-read-products"), "read:products", "modgate:commerce/products");
}
