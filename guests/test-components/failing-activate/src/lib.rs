//! Writes a row into its own table during `activate`, then fails: the
//! install must roll back the row, the table and every record with it.

use modgate_sdk::tables::{self, Value};
use modgate_sdk::{Error, Module};

struct FailingActivate;

impl Module for FailingActivate {
    fn activate(_settings: &str) -> Result<(), Error> {
        tables::exec(
            "INSERT INTO mod_failing_rows (label) VALUES (?1)",
            &[Value::Text("written before failing".into())],
        )?;
        Err(Error::handler("activation refuses on purpose"))
    }
}

modgate_sdk::export_module!(FailingActivate);
