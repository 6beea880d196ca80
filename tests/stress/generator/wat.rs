//! The component text of a [`Shape`]: core modules whose start functions
//! touch, grow and flood, appended to the `minimal` component.

use std::fmt::Write as _;

use super::{FloodSpec, HEADER_NAME, MemorySpec, OnRefusal, Shape, TableSpec};

impl Shape {
    /// The component text appended to `minimal` (see `minimal_with`).
    pub fn wat(&self) -> String {
        let mut w = String::new();
        for (i, m) in self.memories.iter().enumerate() {
            memory_module(&mut w, i, m);
        }
        for (i, t) in self.tables.iter().enumerate() {
            table_module(&mut w, i, t);
        }
        if self.empty_instances > 0 {
            w.push_str("(core module $gen_empty)\n");
            w.push_str(
                &"(core instance (instantiate $gen_empty))\n".repeat(self.empty_instances as usize),
            );
        }
        if let Some(n) = &self.nested {
            let _ = writeln!(
                w,
                "(component $gen_nested\n  (core module $m (memory 1) (func $s (i32.store8 (i32.const 0) (i32.const 1))) (start $s))\n  {})",
                "(core instance (instantiate $m))\n  ".repeat(n.memories as usize)
            );
            w.push_str(&"(instance (instantiate $gen_nested))\n".repeat(n.times as usize));
        }
        if let Some(f) = &self.flood {
            flood(&mut w, f);
        }
        w
    }
}

fn on_refusal(choice: OnRefusal) -> &'static str {
    match choice {
        OnRefusal::Trap => "unreachable",
        OnRefusal::Ignore => "nop",
    }
}

fn memory_module(w: &mut String, i: usize, m: &MemorySpec) {
    let max = m.max_pages.map_or(String::new(), |max| max.to_string());
    let grow = format!(
        "(local.set $before (memory.grow (i32.const {step})))
         (if (i32.eq (local.get $before) (i32.const -1))
           (then {refused})
           (else (call $touch (i32.mul (local.get $before) (i32.const 65536)) (i32.mul (memory.size) (i32.const 65536)))))\n",
        step = m.grow_step,
        refused = on_refusal(m.on_refusal),
    );
    let _ = writeln!(
        w,
        "(core module $gen_mem{i}
           (memory {min} {max})
           (func $touch (param $from i32) (param $to i32)
             (block $done (loop $pages
               (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
               (i32.store8 (local.get $from) (i32.const 1))
               (local.set $from (i32.add (local.get $from) (i32.const 4096)))
               (br $pages))))
           (func $start (local $before i32)
             (call $touch (i32.const 0) (i32.mul (memory.size) (i32.const 65536)))
             {grows})
           (start $start))",
        min = m.min_pages,
        grows = grow.repeat(m.grows as usize),
    );
    w.push_str(
        &format!("(core instance (instantiate $gen_mem{i}))\n").repeat(m.instances as usize),
    );
}

fn table_module(w: &mut String, i: usize, t: &TableSpec) {
    let max = t.max.map_or(String::new(), |max| max.to_string());
    let _ = writeln!(
        w,
        "(core module $gen_tab{i}
           (table {min} {max} funcref)
           (func $start
             (if (i32.eq (table.grow 0 (ref.null func) (i32.const {grow})) (i32.const -1)) (then {refused})))
           (start $start))",
        min = t.min,
        grow = t.grow,
        refused = on_refusal(t.on_refusal),
    );
    w.push_str(
        &format!("(core instance (instantiate $gen_tab{i}))\n").repeat(t.instances as usize),
    );
}

fn flood(w: &mut String, f: &FloodSpec) {
    let drop = if f.keep {
        ""
    } else {
        "(call $drop (local.get $h))"
    };
    let _ = writeln!(
        w,
        r#"(import "wasi:http/types@0.2.12" (instance $gen_http
             (export "fields" (type $fields (sub resource)))
             (type $he (variant (case "invalid-syntax") (case "forbidden") (case "immutable")))
             (export "header-error" (type $header-error (eq $he)))
             (export "[constructor]fields" (func (result (own $fields))))
             (export "[method]fields.append" (func (param "self" (borrow $fields)) (param "name" string) (param "value" (list u8)) (result (result (error $header-error)))))))
           (alias export $gen_http "fields" (type $gen_fields))
           (alias export $gen_http "[constructor]fields" (func $gen_fields_new))
           (alias export $gen_http "[method]fields.append" (func $gen_fields_append))
           (core module $gen_flood_mem (memory (export "mem") {pages}))
           (core instance $gen_flood_mem_i (instantiate $gen_flood_mem))
           (alias core export $gen_flood_mem_i "mem" (core memory $gen_flood_memory))
           (core func $gen_new (canon lower (func $gen_fields_new)))
           (core func $gen_append (canon lower (func $gen_fields_append) (memory $gen_flood_memory)))
           (core func $gen_drop (canon resource.drop $gen_fields))
           (core module $gen_flood
             (import "host" "new" (func $new (result i32)))
             (import "host" "append" (func $append (param i32 i32 i32 i32 i32 i32)))
             (import "host" "drop" (func $drop (param i32)))
             (import "host" "mem" (memory 1))
             (data (i32.const 0) "{HEADER_NAME}")
             (func $start (local $i i32) (local $h i32)
               (memory.fill (i32.const 64) (i32.const 118) (i32.const {value}))
               (block $done (loop $maps
                 (br_if $done (i32.ge_u (local.get $i) (i32.const {maps})))
                 (local.set $h (call $new))
                 (call $append (local.get $h) (i32.const 0) (i32.const {name_len}) (i32.const 64) (i32.const {value}) (i32.const 16))
                 {drop}
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br $maps))))
             (start $start))
           (core instance (instantiate $gen_flood (with "host" (instance
             (export "new" (func $gen_new))
             (export "append" (func $gen_append))
             (export "drop" (func $gen_drop))
             (export "mem" (memory $gen_flood_memory))))))"#,
        pages = f.pages(),
        value = f.value_bytes,
        maps = f.maps,
        name_len = HEADER_NAME.len(),
    );
}
