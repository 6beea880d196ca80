//! The handler as an Extism plugin (`extism_plugin.wat`, the kernel ABI by
//! hand) calling a host function `get_product` in `extism:host/user`; timed
//! on one reused plugin and on a new plugin per call made from one
//! `CompiledPlugin` (compiled once, so the row times the per-plugin work:
//! store, linker with the kernel, instantiation, call).

use ::extism::{CompiledPlugin, CurrentPlugin, PTR, Plugin, PluginBuilder, UserData, Val};

use crate::catalogue::{self, EXPECTED_TEXT, PRODUCT_ID};
use crate::measure::{Row, row};

/// The Extism version linked (Cargo.toml pins it with `=`): the newest whose
/// wasmtime (43, MSRV 1.91) builds on Rust 1.95; extism 1.41 needs wasmtime
/// 49, which needs Rust 1.96.
pub const VERSION: &str = "1.30.0";

/// The plugin settings, printed under the table.
pub const SETTINGS: &str = "Extism defaults (no fuel limit, no timeout, no memory maximum), no WASI, \
compile cache disabled; the host formats the text and the plugin returns it as its output; \
the new-plugin row calls Plugin::new_from_compiled on one CompiledPlugin per call";

/// The host function: the product, described as text in Extism memory.
fn get_product(
    plugin: &mut CurrentPlugin,
    inputs: &[Val],
    outputs: &mut [Val],
    _: UserData<()>,
) -> anyhow::Result<()> {
    let id = plugin.memory_get_val::<&str>(&inputs[0])?.to_owned();
    let product = catalogue::get_product(&id).ok_or_else(|| anyhow::anyhow!("no product {id}"))?;
    plugin.memory_set_val(&mut outputs[0], catalogue::describe(&product))
}

fn compile() -> anyhow::Result<CompiledPlugin> {
    let wasm = wat::parse_str(include_str!("extism_plugin.wat"))?;
    PluginBuilder::new(wasm)
        .with_wasi(false)
        .with_cache_disabled()
        .with_function_in_namespace(
            "extism:host/user",
            "get_product",
            [PTR],
            [PTR],
            UserData::new(()),
            get_product,
        )
        .compile()
}

fn call(plugin: &mut Plugin) -> anyhow::Result<String> {
    Ok(plugin.call::<&str, &str>("handle", PRODUCT_ID)?.to_owned())
}

/// A reused plugin and a new plugin per call.
pub fn rows() -> anyhow::Result<Vec<Row>> {
    let compiled = compile()?;
    let mut reused = Plugin::new_from_compiled(&compiled)?;
    anyhow::ensure!(
        call(&mut reused)? == EXPECTED_TEXT,
        "Extism plugin returned the wrong text"
    );
    Ok(vec![
        row(format!("Extism {VERSION}, reused plugin"), move || call(&mut reused)),
        row(format!("Extism {VERSION}, new plugin per call (from CompiledPlugin)"), move || {
            call(&mut Plugin::new_from_compiled(&compiled)?)
        }),
    ])
}
