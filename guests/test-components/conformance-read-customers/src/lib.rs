//! Conformance for world `modgate:commerce/read-customers`: the customer DTO
//! carries no email or other personal data (the WIT record has no such field).

use conformance_kit::{check, expect_code, param};
use modgate_sdk::commerce::{Page, customers};
use modgate_sdk::{Error, ErrorCode};

struct ReadCustomers;

impl modgate_sdk::Module for ReadCustomers {
    fn activate(settings: &str) -> Result<(), Error> {
        let expect = param(settings, "expect")?;
        let absent = param(settings, "absent")?;
        let listed = customers::list(Page { offset: 0, limit: 100 })?;
        check(listed.iter().any(|c| c.id == expect), "list contains the expected customer")?;
        check(listed.iter().all(|c| c.id != absent), "list never shows another tenant's customer")?;
        let got = customers::get(expect)?;
        check(got.id == expect && !got.display_name.contains('@'), "get returns the customer without an address")?;
        expect_code(customers::get(absent), ErrorCode::NotFound, "another tenant's customer")?;
        Ok(())
    }
}

modgate_sdk::export_module!(ReadCustomers);
