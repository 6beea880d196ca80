//! The handler in Lua 5.4 (`mlua`, vendored), sandboxed the way an embedder
//! confines untrusted scripts: only the base, string, table and math
//! libraries, with the base functions that load code or reach the outside
//! removed, a memory limit, and an instruction budget enforced by a count
//! hook. Timed on a fresh state per call and on one reused state.

use std::cell::Cell;
use std::rc::Rc;

use mlua::{Function, HookTriggers, Lua, LuaOptions, StdLib, Table, VmState};

use crate::catalogue::{self, EXPECTED_TEXT, PRODUCT_ID};
use crate::measure::{Row, row};

/// The handler, loaded from source into every fresh state.
const HANDLER: &str = r#"
function handle(id)
  local p = get_product(id)
  return p.name .. ": " .. p.price .. " " .. p.currency
end
"#;

/// Memory one state may hold: modgate's default per invocation.
const MEMORY_LIMIT: usize = 64 << 20;
/// The count hook runs every this many VM instructions...
const HOOK_EVERY: u32 = 1_000;
/// ...and stops the script after this many runs (10 M instructions).
const HOOK_BUDGET: u32 = 10_000;

/// The sandbox, printed under the table.
pub const SANDBOX: &str = "Lua 5.4 (mlua, vendored): base + string + table + math libraries, \
dofile/loadfile/load/require/collectgarbage/print removed, set_memory_limit(64 MiB), \
instruction budget via a count hook (every 1 000 instructions, 10 M total); \
the fresh row creates the state, sandboxes it, loads the handler from source, calls it and drops the state";

/// A sandboxed state with the handler loaded.
struct Sandbox {
    handle: Function,
    /// Hook runs left in the current call's budget.
    budget: Rc<Cell<u32>>,
    // Dropped last: `handle` refers into it.
    _lua: Lua,
}

impl Sandbox {
    fn new() -> mlua::Result<Sandbox> {
        let lua = Lua::new_with(
            StdLib::STRING | StdLib::TABLE | StdLib::MATH,
            LuaOptions::default(),
        )?;
        lua.set_memory_limit(MEMORY_LIMIT)?;
        let globals = lua.globals();
        for name in [
            "dofile",
            "loadfile",
            "load",
            "require",
            "collectgarbage",
            "print",
        ] {
            globals.raw_set(name, mlua::Nil)?;
        }
        let budget = Rc::new(Cell::new(HOOK_BUDGET));
        let left = Rc::clone(&budget);
        lua.set_hook(
            HookTriggers::new().every_nth_instruction(HOOK_EVERY),
            move |_, _| {
                let runs = left.get();
                if runs == 0 {
                    return Err(mlua::Error::runtime("instruction budget used up"));
                }
                left.set(runs - 1);
                Ok(VmState::Continue)
            },
        )?;
        globals.set("get_product", lua.create_function(get_product)?)?;
        lua.load(HANDLER).set_name("handler").exec()?;
        let handle = globals.get("handle")?;
        Ok(Sandbox {
            handle,
            budget,
            _lua: lua,
        })
    }

    fn call(&self, id: &str) -> mlua::Result<String> {
        self.budget.set(HOOK_BUDGET);
        self.handle.call(id)
    }
}

/// The host function: the product as a Lua table.
fn get_product(lua: &Lua, id: mlua::LuaString) -> mlua::Result<Table> {
    let product = catalogue::get_product(&id.to_str()?)
        .ok_or_else(|| mlua::Error::runtime(format!("no product {}", id.display())))?;
    let table = lua.create_table_with_capacity(0, 8)?;
    table.raw_set("id", product.id)?;
    table.raw_set("sku", product.sku)?;
    table.raw_set("name", product.name)?;
    table.raw_set("description", product.description)?;
    table.raw_set("price", product.price_minor)?;
    table.raw_set("currency", product.currency)?;
    table.raw_set("category_ids", product.category_ids)?;
    table.raw_set("in_stock", product.in_stock)?;
    Ok(table)
}

/// The handler on a fresh sandbox per call and on one reused sandbox.
pub fn rows() -> anyhow::Result<Vec<Row>> {
    let reused = Sandbox::new()?;
    anyhow::ensure!(
        reused.call(PRODUCT_ID)? == EXPECTED_TEXT,
        "Lua handler returned the wrong text"
    );
    Ok(vec![
        row("Lua 5.4 (mlua), fresh sandboxed state", || Ok(Sandbox::new()?.call(PRODUCT_ID)?)),
        row("Lua 5.4 (mlua), reused sandboxed state", move || Ok(reused.call(PRODUCT_ID)?)),
    ])
}
