//! The smallest fresh instances wasmtime 48 can make for this workload, on
//! the floor's engine (modgate's memory settings, the same pool tuning):
//! what no guest, however lean, can go below. Both are written in WAT:
//!
//! - a component whose only import takes and returns a `u32` (so the
//!   canonical ABI needs no `realloc` and wit-component's shim and fixup
//!   instances are not there), one 64 KiB page, no table, no allocator: one
//!   core instance; its export returns a string from its data segment;
//! - the same as a core module (no component model at all).
//!
//! Every call makes a fresh store and instance, makes the one host call
//! and reads the answer — the `host-calls` component does the same with
//! strings, the SDK and an allocator.

use wasmtime::component::{Component, Linker as ComponentLinker};
use wasmtime::{Linker, Module, Store};

use crate::measure::{Row, row};
use crate::raw_wasmtime::{floor_engine, into_anyhow};

/// The handler's core module (its fields): `run` calls the import once and
/// answers a text it keeps in its data segment, written at offset 0 as the
/// string's pointer and length (so the call dirties one page, as any
/// guest's stack would). The same in the component and the core module.
macro_rules! handler_fields {
    () => {
        r#"
    (import "host" "get-price" (func $get (param i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "p-1 costs 19.99")
    (func (export "run") (param i32) (result i32)
      (drop (call $get (local.get 0)))
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const 15))
      (i32.const 0))"#
    };
}

/// The component: `get-price(u32) -> u32` imported, `run(u32) -> string`
/// exported, lifting the text from the handler's memory.
const COMPONENT: &str = concat!(
    r#"(component
  (import "get-price" (func $get (param "id" u32) (result u32)))
  (core func $get_lowered (canon lower (func $get)))
  (core module $m"#,
    handler_fields!(),
    r#")
  (core instance $host (export "get-price" (func $get_lowered)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func (export "run") (param "id" u32) (result string)
    (canon lift (core func $i "run") (memory (core memory $i "memory"))))
)"#
);

/// The same handler as a core module.
const CORE_MODULE: &str = concat!("(module", handler_fields!(), ")");

/// How the two rows run, printed under the table.
pub const SETTINGS: &str = "written in WAT, on the floor's engine (modgate's memory settings and pool tuning); \
a fresh store and instance per call, synchronous, no fuel, epoch or limiter; the component imports \
`get-price: func(id: u32) -> u32` and exports `run: func(id: u32) -> string`";

/// The price the host answers for product 1 (minor units).
const PRICE: u32 = 1999;
/// What `run` answers.
const TEXT: &str = "p-1 costs 19.99";

/// The two rows.
pub fn rows() -> anyhow::Result<Vec<Row>> {
    Ok(vec![component_row().map_err(into_anyhow)?, core_row().map_err(into_anyhow)?])
}

fn component_row() -> wasmtime::Result<Row> {
    let engine = floor_engine()?;
    let component = Component::new(&engine, COMPONENT)?;
    let mut linker = ComponentLinker::<u32>::new(&engine);
    linker.root().func_wrap("get-price", |mut store, (id,): (u32,)| {
        *store.data_mut() += 1;
        Ok((if id == 1 { PRICE } else { 0 },))
    })?;
    let pre = linker.instantiate_pre(&component)?;
    Ok(row(
        "raw wasmtime 48, fresh smallest component (one u32 host call, one page, no allocator)",
        move || {
            let mut store = Store::new(pre.engine(), 0u32);
            let instance = pre.instantiate(&mut store).map_err(into_anyhow)?;
            let run = instance
                .get_typed_func::<(u32,), (String,)>(&mut store, "run")
                .map_err(into_anyhow)?;
            let (text,) = run.call(&mut store, (1,)).map_err(into_anyhow)?;
            anyhow::ensure!(text == TEXT && *store.data() == 1, "unexpected answer {text:?}");
            Ok(text)
        },
    ))
}

fn core_row() -> wasmtime::Result<Row> {
    let engine = floor_engine()?;
    let module = Module::new(&engine, CORE_MODULE)?;
    let mut linker = Linker::<u32>::new(&engine);
    linker.func_wrap("host", "get-price", |mut caller: wasmtime::Caller<'_, u32>, id: i32| {
        *caller.data_mut() += 1;
        if id == 1 { PRICE as i32 } else { 0 }
    })?;
    let pre = linker.instantiate_pre(&module)?;
    Ok(row("raw wasmtime 48, fresh core module (one host call, one page)", move || {
        let mut store = Store::new(pre.module().engine(), 0u32);
        let instance = pre.instantiate(&mut store).map_err(into_anyhow)?;
        let memory = instance.get_memory(&mut store, "memory").expect("exported");
        let run = instance
            .get_typed_func::<i32, i32>(&mut store, "run")
            .map_err(into_anyhow)?;
        let at = run.call(&mut store, 1).map_err(into_anyhow)? as usize;
        let data = memory.data(&store);
        let word = |i: usize| u32::from_le_bytes(data[i..i + 4].try_into().expect("4 bytes")) as usize;
        let (ptr, len) = (word(at), word(at + 4));
        let text = std::str::from_utf8(&data[ptr..ptr + len])?.to_owned();
        anyhow::ensure!(text == TEXT && *store.data() == 1, "unexpected answer {text:?}");
        Ok(text)
    }))
}
