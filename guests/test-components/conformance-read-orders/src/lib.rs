//! Conformance for world `modgate:commerce/read-orders`: list, get and the
//! yes/no `has-purchased`, all scoped to the current tenant.

use conformance_kit::{check, expect_code, param};
use modgate_sdk::commerce::{Page, orders};
use modgate_sdk::{Error, ErrorCode};

struct ReadOrders;

impl modgate_sdk::Module for ReadOrders {
    fn activate(settings: &str) -> Result<(), Error> {
        let expect = param(settings, "expect")?;
        let absent = param(settings, "absent")?;
        let buyer = param(settings, "buyer")?;
        let bought = param(settings, "bought")?;
        let not_bought = param(settings, "not-bought")?;
        let listed = orders::list(Page { offset: 0, limit: 100 })?;
        check(listed.iter().any(|o| o.id == expect), "list contains the expected order")?;
        check(listed.iter().all(|o| o.id != absent), "list never shows another tenant's order")?;
        let got = orders::get(expect)?;
        check(got.id == expect && !got.lines.is_empty(), "get returns the order with its lines")?;
        expect_code(orders::get(absent), ErrorCode::NotFound, "another tenant's order")?;
        check(orders::has_purchased(buyer, bought)?, "has-purchased is true for a paid order line")?;
        check(!orders::has_purchased(buyer, not_bought)?, "has-purchased is false for a product never bought")?;
        Ok(())
    }
}

modgate_sdk::export_module!(ReadOrders);
