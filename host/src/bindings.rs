//! Host-side bindings generated from `wit/` (kept out of sight; capability
//! folders implement the generated `Host` traits). Every interface of the
//! contracts is generated here, offered or not yet, so a new capability is
//! its folder and one registration line.

#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: ["../wit/host", "../wit/commerce"],
    inline: "
        package modgate:bindings;

        world host {
            import modgate:host/log@1.0.0;
            import modgate:host/settings@1.0.0;
            import modgate:host/tables@1.0.0;
            import modgate:host/events@1.0.0;
            import modgate:host/email@1.0.0;
            import modgate:commerce/products@1.0.0;
            import modgate:commerce/categories@1.0.0;
            import modgate:commerce/orders@1.0.0;
            import modgate:commerce/customers@1.0.0;
            export modgate:host/lifecycle@1.0.0;
            export modgate:host/slot-provider@1.0.0;
            export modgate:host/event-handler@1.0.0;
            export modgate:host/hook-handler@1.0.0;
            export modgate:commerce/core-event-handler@1.0.0;
        }
    ",
    world: "modgate:bindings/host",
    imports: { default: async | tracing },
    exports: { default: async },
});

pub use modgate::host::types::{Error as WitError, ErrorCode as WitErrorCode};

impl WitError {
    /// An error with the given code and message.
    pub fn new(code: WitErrorCode, message: impl Into<String>) -> Self {
        WitError {
            code,
            message: message.into(),
        }
    }
}
