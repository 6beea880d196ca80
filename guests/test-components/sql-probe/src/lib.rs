//! Runs the statement in its settings through `modgate:host/tables` and
//! fails `activate` with the host's error unchanged, so tests see the exact
//! error code.
//!
//! Settings: optional header lines — `expect-rows N`, `param <text>` (one
//! text parameter, in order), `param-int <n>` (an integer parameter),
//! `param-null` (a NULL parameter), `repeat N` (run the statement N times;
//! for benchmarks) — then `query` or `exec` on a line, then the SQL.
//! Anything else (e.g. the `{}` of an install) does nothing.

use modgate_sdk::tables::{self, Value};
use modgate_sdk::{Error, Module};

struct Probe;

struct Script<'a> {
    expect_rows: Option<usize>,
    params: Vec<Value>,
    repeat: usize,
    kind: &'a str,
    sql: &'a str,
}

fn number(text: &str) -> Result<usize, Error> {
    text.trim().parse().map_err(|_| Error::invalid(format!("not a number: {text}")))
}

fn parse(settings: &str) -> Result<Option<Script<'_>>, Error> {
    let mut script = Script { expect_rows: None, params: Vec::new(), repeat: 1, kind: "", sql: "" };
    let mut rest = settings;
    loop {
        let Some((line, tail)) = rest.split_once('\n') else { return Ok(None) };
        if let Some(n) = line.strip_prefix("expect-rows ") {
            script.expect_rows = Some(number(n)?);
        } else if let Some(text) = line.strip_prefix("param ") {
            script.params.push(Value::Text(text.to_owned()));
        } else if let Some(n) = line.strip_prefix("param-int ") {
            let n = n.trim().parse().map_err(|_| Error::invalid(format!("not an integer: {n}")))?;
            script.params.push(Value::Integer(n));
        } else if line == "param-null" {
            script.params.push(Value::Null);
        } else if let Some(n) = line.strip_prefix("repeat ") {
            script.repeat = number(n)?;
        } else if line == "query" || line == "exec" {
            script.kind = line;
            script.sql = tail;
            return Ok(Some(script));
        } else {
            return Ok(None);
        }
        rest = tail;
    }
}

impl Module for Probe {
    fn activate(settings: &str) -> Result<(), Error> {
        let Some(script) = parse(settings)? else { return Ok(()) };
        for _ in 0..script.repeat {
            let count = if script.kind == "query" {
                tables::query(script.sql, &script.params)?.rows.len()
            } else {
                tables::exec(script.sql, &script.params)? as usize
            };
            if let Some(expected) = script.expect_rows
                && count != expected
            {
                return Err(Error::handler(format!("expected {expected} rows, got {count}")));
            }
        }
        Ok(())
    }
}

modgate_sdk::export_module!(Probe);
