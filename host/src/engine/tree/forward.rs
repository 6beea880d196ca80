//! The host functions that stand for a dependency's exports in an
//! importer's linker. Wasmtime 48 cannot pass one instance's export as
//! another component's import, so the host forwards each call: the same
//! store (one budget, one deadline, one resource table), the dependency's
//! instance of this invocation, and the calls it makes attributed to its
//! path for as long as it runs.

use std::sync::Arc;

use wasmtime::component::{ComponentExportIndex, Linker};

use crate::engine::state::InvocationState;

/// One function of a dependency's export, as an importer links it.
pub(crate) struct ForwardedFunction {
    /// The function's name inside the interface.
    pub name: String,
    /// Where it is in the provider's component.
    pub export: ComponentExportIndex,
}

/// One interface the importer gets from a dependency.
pub(crate) struct ForwardedInterface {
    /// The interface's full name, e.g. `acme:http/client@0.1.0`.
    pub interface: String,
    /// The dependency providing it (its index in the module's dependencies).
    pub provider: usize,
    /// Its name in module.toml: the step its calls add to the path.
    pub provider_name: Arc<str>,
    /// The functions the importer uses.
    pub functions: Vec<ForwardedFunction>,
}

/// Defines every function of `interfaces` in `linker` as a call into the
/// providing dependency's instance.
pub(crate) fn add_forwarders(
    linker: &mut Linker<InvocationState>,
    interfaces: &[ForwardedInterface],
) -> wasmtime::Result<()> {
    for forwarded in interfaces {
        let mut instance = linker.instance(&forwarded.interface)?;
        for function in &forwarded.functions {
            let provider = forwarded.provider;
            let provider_name = forwarded.provider_name.clone();
            let export = function.export;
            instance.func_new_async(&function.name, move |mut store, _ty, params, results| {
                let provider_name = provider_name.clone();
                Box::new(async move {
                    let instance = store.data().dependency(provider).ok_or_else(|| {
                        wasmtime::format_err!("dependency {provider_name} is not instantiated in this invocation (host bug)")
                    })?;
                    let func = instance.get_func(&mut store, export).ok_or_else(|| {
                        wasmtime::format_err!("dependency {provider_name} lost an export it had at install (host bug)")
                    })?;
                    let caller = store.data_mut().core.enter_dependency(&provider_name);
                    let result = func.call_async(&mut store, params, results).await;
                    store.data_mut().core.leave_dependency(caller);
                    result
                })
            })?;
        }
    }
    Ok(())
}
