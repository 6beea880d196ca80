//! The install-time type check of a wire: the host forwards a call with
//! dynamically typed values ([`wasmtime::component::Val`]), which wasmtime
//! does not check when it links, so the importer's and the exporter's view
//! of each function are compared here, before anything runs.

use wasmtime::component::types::{self, ComponentFunc, ComponentItem, Type};

/// The functions `importer` expects of `interface`, when the exporter
/// `provider` has every one of them with the same types and no resource
/// crosses; otherwise why not, in one sentence.
pub(crate) fn wired_functions(
    engine: &wasmtime::Engine,
    importer: &types::Component,
    provider: &types::Component,
    interface: &str,
) -> Result<Vec<String>, String> {
    let Some(ComponentItem::ComponentInstance(wanted)) = importer.get_import(engine, interface).map(|i| i.ty) else {
        return Err("the import is not an instance of functions".to_owned());
    };
    let Some(ComponentItem::ComponentInstance(offered)) = provider.get_export(engine, interface).map(|e| e.ty) else {
        return Err("the dependency's export is not an instance of functions".to_owned());
    };
    let mut functions = Vec::new();
    for (name, item) in wanted.exports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(want) => {
                if signature_has_resource(&want) {
                    return Err(format!("`{name}` passes a resource; only plain values cross between a module's components"));
                }
                let Some(ComponentItem::ComponentFunc(have)) = offered.get_export(engine, name).map(|e| e.ty) else {
                    return Err(format!("the dependency does not export the function `{name}`"));
                };
                if !same_signature(&want, &have) {
                    return Err(format!("`{name}` has different parameter or result types in the two components"));
                }
                functions.push(name.to_owned());
            }
            ComponentItem::Resource(_) => {
                return Err(format!("it defines the resource `{name}`; only plain values cross between a module's components"));
            }
            ComponentItem::Type(ty) if contains_resource(&ty) => {
                return Err(format!("the type `{name}` holds a resource; only plain values cross between a module's components"));
            }
            _ => {}
        }
    }
    Ok(functions)
}

fn same_signature(want: &ComponentFunc, have: &ComponentFunc) -> bool {
    want.async_() == have.async_()
        && want.params().map(|(_, ty)| ty).eq(have.params().map(|(_, ty)| ty))
        && want.results().eq(have.results())
}

fn signature_has_resource(function: &ComponentFunc) -> bool {
    function.params().any(|(_, ty)| contains_resource(&ty)) || function.results().any(|ty| contains_resource(&ty))
}

/// Whether a value of `ty` can hold a handle (a resource, a future, a
/// stream or an error context): the forwarder copies values only.
fn contains_resource(ty: &Type) -> bool {
    match ty {
        Type::Own(_) | Type::Borrow(_) | Type::Future(_) | Type::Stream(_) | Type::ErrorContext => true,
        Type::List(list) => contains_resource(&list.ty()),
        Type::FixedLengthList(list) => contains_resource(&list.ty()),
        Type::Map(map) => contains_resource(&map.key()) || contains_resource(&map.value()),
        Type::Record(record) => record.fields().any(|field| contains_resource(&field.ty)),
        Type::Tuple(tuple) => tuple.types().any(|ty| contains_resource(&ty)),
        Type::Variant(variant) => variant.cases().any(|case| case.ty.as_ref().is_some_and(contains_resource)),
        Type::Option(option) => contains_resource(&option.ty()),
        Type::Result(result) => {
            result.ok().as_ref().is_some_and(contains_resource) || result.err().as_ref().is_some_and(contains_resource)
        }
        Type::Bool
        | Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64
        | Type::Float32
        | Type::Float64
        | Type::Char
        | Type::String
        | Type::Enum(_)
        | Type::Flags(_) => false,
    }
}
