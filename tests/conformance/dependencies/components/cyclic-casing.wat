;; Exports `casing` like dep-casing, but imports `greeter`: with dep-greeter
;; (which imports `casing`) the two dependencies import each other.
(component
  (import "modgate-example:deps/greeter@0.1.0" (instance
    (export "greet" (func (param "name" string) (result string)))))
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      global.get $next
      local.set $at
      global.get $next
      local.get 3
      i32.add
      global.set $next
      local.get $at)
    ;; The text itself: (pointer, length) stored at 16.
    (func (export "shout") (param i32 i32) (result i32)
      i32.const 16
      local.get 0
      i32.store
      i32.const 20
      local.get 1
      i32.store
      i32.const 16))
  (core instance $i (instantiate $m))
  (func $shout (param "text" string) (result string)
    (canon lift (core func $i "shout") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
  (instance $casing (export "shout" (func $shout)))
  (export "modgate-example:deps/casing@0.1.0" (instance $casing)))
