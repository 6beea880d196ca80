//! World `modgate:commerce/read-categories`.

use modgate_tests::Lang;

modgate_tests::in_every_language! {
    conformance_read_categories => granted,
    conformance_read_categories_no_permission => without_the_permission,
}

fn granted(lang: Lang) {
    super::granted_world_passes(lang, "conformance-read-categories",
        "read:categories",
        "expect=c-1;absent=g-c-1",
        "expect=g-c-1;absent=c-1",
    );
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-read-categories"), "read:categories", "modgate:commerce/categories");
}
