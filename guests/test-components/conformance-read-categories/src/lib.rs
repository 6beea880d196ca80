//! Conformance for world `modgate:commerce/read-categories`.

use conformance_kit::{check, expect_code, param};
use modgate_sdk::commerce::{Page, categories};
use modgate_sdk::{Error, ErrorCode};

struct ReadCategories;

impl modgate_sdk::Module for ReadCategories {
    fn activate(settings: &str) -> Result<(), Error> {
        let expect = param(settings, "expect")?;
        let absent = param(settings, "absent")?;
        let listed = categories::list(Page { offset: 0, limit: 100 })?;
        check(listed.iter().any(|c| c.id == expect), "list contains the expected category")?;
        check(listed.iter().all(|c| c.id != absent), "list never shows another tenant's category")?;
        let got = categories::get(expect)?;
        check(got.id == expect && !got.slug.is_empty(), "get returns the category")?;
        expect_code(categories::get(absent), ErrorCode::NotFound, "another tenant's category")?;
        Ok(())
    }
}

modgate_sdk::export_module!(ReadCategories);
