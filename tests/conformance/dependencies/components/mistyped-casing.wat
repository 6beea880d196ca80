;; Exports `casing` with `shout: func() -> u32` where the interface says
;; `shout: func(text: string) -> string`.
(component
  (core module $m
    (func (export "shout") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func $shout (result u32) (canon lift (core func $i "shout")))
  (instance $casing (export "shout" (func $shout)))
  (export "modgate-example:deps/casing@0.1.0" (instance $casing)))
