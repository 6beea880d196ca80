;; A dependency exporting interfaces only the host may provide.
(component
  (instance $empty)
  (export "modgate:host/log@1.0.0" (instance $empty))
  (export "wasi:http/outgoing-handler@0.2.6" (instance $empty)))
