;; The handler as an Extism plugin, written against Extism's kernel ABI:
;; copy the input (a product id) into a kernel block, hand it to the host's
;; `get_product`, and return the text the host answers as the output.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/user" "get_product" (func $get_product (param i64) (result i64)))

  (func (export "handle") (result i32)
    (local $len i64) (local $at i64) (local $id i64) (local $text i64)
    (local.set $len (call $input_length))
    (local.set $id (call $alloc (local.get $len)))
    (block $copied
      (loop $copy
        (br_if $copied (i64.ge_u (local.get $at) (local.get $len)))
        (call $store_u8
          (i64.add (local.get $id) (local.get $at))
          (call $input_load_u8 (local.get $at)))
        (local.set $at (i64.add (local.get $at) (i64.const 1)))
        (br $copy)))
    (local.set $text (call $get_product (local.get $id)))
    (call $output_set (local.get $text) (call $length (local.get $text)))
    (i32.const 0)))
