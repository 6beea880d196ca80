//! Conformance for world `modgate:commerce/read-products`: list and get work
//! for the current tenant, and another tenant's product is `not-found`.

use conformance_kit::{check, expect_code, param};
use modgate_sdk::commerce::{Page, products};
use modgate_sdk::{Error, ErrorCode};

struct ReadProducts;

impl modgate_sdk::Module for ReadProducts {
    fn activate(settings: &str) -> Result<(), Error> {
        let expect = param(settings, "expect")?;
        let absent = param(settings, "absent")?;
        let listed = products::list(Page { offset: 0, limit: 100 })?;
        check(listed.iter().any(|p| p.id == expect), "list contains the expected product")?;
        check(listed.iter().all(|p| p.id != absent), "list never shows another tenant's product")?;
        let got = products::get(expect)?;
        check(got.id == expect && !got.name.is_empty(), "get returns the product")?;
        check(got.price.currency.len() == 3, "price carries an ISO currency")?;
        expect_code(products::get(absent), ErrorCode::NotFound, "another tenant's product")?;
        let paged = products::list(Page { offset: 0, limit: 1 })?;
        check(paged.len() <= 1, "list honours the page limit")?;
        Ok(())
    }
}

modgate_sdk::export_module!(ReadProducts);
