//! `wasi:http/types` with every object the guest creates charged to the
//! invocation's memory budget.
//!
//! The implementation is wasmtime-wasi-http's; this view delegates each
//! function to it and first charges what the call makes the host hold: a
//! fixed [`HANDLE_BYTES`] per resource created, the bytes of every header
//! name and value set (plus [`ENTRY_BYTES`] each), the strings stored in an
//! outgoing request, and a body's whole write buffer when the body is
//! created. Charges are never returned (see `engine::memory`): creating and
//! dropping objects in a loop runs out like hoarding them, so nothing is
//! free because it is "inert". The handle count is capped separately by the
//! store's resource table.

use wasmtime::component::{HasData, Resource};
use wasmtime_wasi::p2::{DynInputStream, DynOutputStream, DynPollable};
use wasmtime_wasi_http::p2::bindings::http::types::{self, Method, Scheme, StatusCode, Trailers};
use wasmtime_wasi_http::p2::body::{HostFutureTrailers, HostIncomingBody, HostOutgoingBody};
use wasmtime_wasi_http::p2::types::{
    HostFutureIncomingResponse, HostIncomingRequest, HostIncomingResponse, HostOutgoingRequest, HostOutgoingResponse,
    HostResponseOutparam,
};
use wasmtime_wasi_http::p2::{HeaderError, HeaderResult, HttpError, HttpResult};
use wasmtime_wasi_http::{FieldMap, WasiHttpCtxView};

use crate::engine::InvocationMemory;

/// Charged for every resource a call creates: the table entry and the
/// smallest object behind it.
pub const HANDLE_BYTES: usize = 64;

/// Charged per header value on top of its name and value bytes: the map's
/// own bookkeeping.
pub const ENTRY_BYTES: usize = 32;

/// The [`HasData`] marker for [`AccountedHttpView`].
pub struct AccountedHttp;

impl HasData for AccountedHttp {
    type Data<'a> = AccountedHttpView<'a>;
}

/// wasmtime-wasi-http's view, plus the budget its objects are charged to.
pub struct AccountedHttpView<'a> {
    /// wasmtime-wasi-http's own view.
    pub inner: WasiHttpCtxView<'a>,
    /// The invocation's memory budget.
    pub memory: &'a InvocationMemory,
    /// What one outgoing body may buffer (one chunk in the channel, one in
    /// flight).
    pub body_buffer_bytes: usize,
}

impl AccountedHttpView<'_> {
    fn charge(&self, what: &'static str, bytes: usize) -> wasmtime::Result<()> {
        self.memory.charge_host(what, bytes)?;
        Ok(())
    }

    fn charge_header(&self, what: &'static str, bytes: usize) -> HeaderResult<()> {
        self.memory.charge_host(what, bytes).map_err(HeaderError::trap)
    }
}

fn entry_bytes(name: &str, value: &[u8]) -> usize {
    name.len().saturating_add(value.len()).saturating_add(ENTRY_BYTES)
}

fn field_map_bytes(map: &FieldMap) -> usize {
    map.iter()
        .map(|(name, value)| entry_bytes(name.as_str(), value.as_bytes()))
        .fold(HANDLE_BYTES, usize::saturating_add)
}

fn optional_len(text: Option<&String>) -> usize {
    text.map_or(0, String::len)
}

impl types::Host for AccountedHttpView<'_> {
    fn convert_error_code(&mut self, err: HttpError) -> wasmtime::Result<types::ErrorCode> {
        self.inner.convert_error_code(err)
    }

    fn convert_header_error(&mut self, err: HeaderError) -> wasmtime::Result<types::HeaderError> {
        self.inner.convert_header_error(err)
    }

    fn http_error_code(&mut self, err: Resource<types::IoError>) -> wasmtime::Result<Option<types::ErrorCode>> {
        self.inner.http_error_code(err)
    }
}

impl types::HostFields for AccountedHttpView<'_> {
    fn new(&mut self) -> wasmtime::Result<Resource<FieldMap>> {
        self.charge("http fields", HANDLE_BYTES)?;
        types::HostFields::new(&mut self.inner)
    }

    fn from_list(&mut self, entries: Vec<(String, Vec<u8>)>) -> HeaderResult<Resource<FieldMap>> {
        let bytes = entries
            .iter()
            .map(|(name, value)| entry_bytes(name, value))
            .fold(HANDLE_BYTES, usize::saturating_add);
        self.charge_header("http fields", bytes)?;
        self.inner.from_list(entries)
    }

    fn drop(&mut self, fields: Resource<FieldMap>) -> wasmtime::Result<()> {
        types::HostFields::drop(&mut self.inner, fields)
    }

    fn get(&mut self, fields: Resource<FieldMap>, name: String) -> wasmtime::Result<Vec<Vec<u8>>> {
        self.inner.get(fields, name)
    }

    fn has(&mut self, fields: Resource<FieldMap>, name: String) -> wasmtime::Result<bool> {
        self.inner.has(fields, name)
    }

    fn set(&mut self, fields: Resource<FieldMap>, name: String, values: Vec<Vec<u8>>) -> HeaderResult<()> {
        let bytes = values.iter().map(|v| entry_bytes(&name, v)).fold(0, usize::saturating_add);
        self.charge_header("http fields", bytes)?;
        self.inner.set(fields, name, values)
    }

    fn delete(&mut self, fields: Resource<FieldMap>, name: String) -> HeaderResult<()> {
        self.inner.delete(fields, name)
    }

    fn append(&mut self, fields: Resource<FieldMap>, name: String, value: Vec<u8>) -> HeaderResult<()> {
        self.charge_header("http fields", entry_bytes(&name, &value))?;
        self.inner.append(fields, name, value)
    }

    fn entries(&mut self, fields: Resource<FieldMap>) -> wasmtime::Result<Vec<(String, Vec<u8>)>> {
        self.inner.entries(fields)
    }

    fn clone(&mut self, fields: Resource<FieldMap>) -> wasmtime::Result<Resource<FieldMap>> {
        // A clone shares the map until it is changed, then copies it whole:
        // charge the copy up front.
        let bytes = field_map_bytes(self.inner.table.get(&fields)?);
        self.charge("http fields", bytes)?;
        self.inner.clone(fields)
    }
}

impl types::HostIncomingRequest for AccountedHttpView<'_> {
    fn method(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<Method> {
        types::HostIncomingRequest::method(&mut self.inner, id)
    }

    fn path_with_query(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<Option<String>> {
        types::HostIncomingRequest::path_with_query(&mut self.inner, id)
    }

    fn scheme(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<Option<Scheme>> {
        types::HostIncomingRequest::scheme(&mut self.inner, id)
    }

    fn authority(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<Option<String>> {
        types::HostIncomingRequest::authority(&mut self.inner, id)
    }

    fn headers(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<Resource<FieldMap>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostIncomingRequest::headers(&mut self.inner, id)
    }

    fn consume(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<Result<Resource<HostIncomingBody>, ()>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostIncomingRequest::consume(&mut self.inner, id)
    }

    fn drop(&mut self, id: Resource<HostIncomingRequest>) -> wasmtime::Result<()> {
        types::HostIncomingRequest::drop(&mut self.inner, id)
    }
}

impl types::HostOutgoingRequest for AccountedHttpView<'_> {
    fn new(&mut self, headers: Resource<FieldMap>) -> wasmtime::Result<Resource<HostOutgoingRequest>> {
        self.charge("http requests", HANDLE_BYTES)?;
        types::HostOutgoingRequest::new(&mut self.inner, headers)
    }

    fn body(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<Result<Resource<HostOutgoingBody>, ()>> {
        self.charge("http bodies", HANDLE_BYTES.saturating_add(self.body_buffer_bytes))?;
        types::HostOutgoingRequest::body(&mut self.inner, request)
    }

    fn drop(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<()> {
        types::HostOutgoingRequest::drop(&mut self.inner, request)
    }

    fn method(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<Method> {
        types::HostOutgoingRequest::method(&mut self.inner, request)
    }

    fn set_method(&mut self, request: Resource<HostOutgoingRequest>, method: Method) -> wasmtime::Result<Result<(), ()>> {
        if let Method::Other(name) = &method {
            self.charge("http requests", name.len())?;
        }
        self.inner.set_method(request, method)
    }

    fn path_with_query(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<Option<String>> {
        types::HostOutgoingRequest::path_with_query(&mut self.inner, request)
    }

    fn set_path_with_query(
        &mut self,
        request: Resource<HostOutgoingRequest>,
        path_with_query: Option<String>,
    ) -> wasmtime::Result<Result<(), ()>> {
        self.charge("http requests", optional_len(path_with_query.as_ref()))?;
        self.inner.set_path_with_query(request, path_with_query)
    }

    fn scheme(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<Option<Scheme>> {
        types::HostOutgoingRequest::scheme(&mut self.inner, request)
    }

    fn set_scheme(&mut self, request: Resource<HostOutgoingRequest>, scheme: Option<Scheme>) -> wasmtime::Result<Result<(), ()>> {
        if let Some(Scheme::Other(name)) = &scheme {
            self.charge("http requests", name.len())?;
        }
        self.inner.set_scheme(request, scheme)
    }

    fn authority(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<Option<String>> {
        types::HostOutgoingRequest::authority(&mut self.inner, request)
    }

    fn set_authority(&mut self, request: Resource<HostOutgoingRequest>, authority: Option<String>) -> wasmtime::Result<Result<(), ()>> {
        self.charge("http requests", optional_len(authority.as_ref()))?;
        self.inner.set_authority(request, authority)
    }

    fn headers(&mut self, request: Resource<HostOutgoingRequest>) -> wasmtime::Result<Resource<FieldMap>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostOutgoingRequest::headers(&mut self.inner, request)
    }
}

impl types::HostResponseOutparam for AccountedHttpView<'_> {
    fn drop(&mut self, id: Resource<HostResponseOutparam>) -> wasmtime::Result<()> {
        types::HostResponseOutparam::drop(&mut self.inner, id)
    }

    fn set(
        &mut self,
        id: Resource<HostResponseOutparam>,
        resp: Result<Resource<HostOutgoingResponse>, types::ErrorCode>,
    ) -> wasmtime::Result<()> {
        types::HostResponseOutparam::set(&mut self.inner, id, resp)
    }

    fn send_informational(&mut self, id: Resource<HostResponseOutparam>, status: u16, headers: Resource<FieldMap>) -> HttpResult<()> {
        self.inner.send_informational(id, status, headers)
    }
}

impl types::HostIncomingResponse for AccountedHttpView<'_> {
    fn drop(&mut self, response: Resource<HostIncomingResponse>) -> wasmtime::Result<()> {
        types::HostIncomingResponse::drop(&mut self.inner, response)
    }

    fn status(&mut self, response: Resource<HostIncomingResponse>) -> wasmtime::Result<StatusCode> {
        self.inner.status(response)
    }

    fn headers(&mut self, response: Resource<HostIncomingResponse>) -> wasmtime::Result<Resource<FieldMap>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostIncomingResponse::headers(&mut self.inner, response)
    }

    fn consume(&mut self, response: Resource<HostIncomingResponse>) -> wasmtime::Result<Result<Resource<HostIncomingBody>, ()>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostIncomingResponse::consume(&mut self.inner, response)
    }
}

impl types::HostFutureTrailers for AccountedHttpView<'_> {
    fn drop(&mut self, id: Resource<HostFutureTrailers>) -> wasmtime::Result<()> {
        types::HostFutureTrailers::drop(&mut self.inner, id)
    }

    fn subscribe(&mut self, index: Resource<HostFutureTrailers>) -> wasmtime::Result<Resource<DynPollable>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostFutureTrailers::subscribe(&mut self.inner, index)
    }

    fn get(
        &mut self,
        id: Resource<HostFutureTrailers>,
    ) -> wasmtime::Result<Option<Result<Result<Option<Resource<Trailers>>, types::ErrorCode>, ()>>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostFutureTrailers::get(&mut self.inner, id)
    }
}

impl types::HostIncomingBody for AccountedHttpView<'_> {
    fn stream(&mut self, id: Resource<HostIncomingBody>) -> wasmtime::Result<Result<Resource<DynInputStream>, ()>> {
        self.charge("http handles", HANDLE_BYTES)?;
        self.inner.stream(id)
    }

    fn finish(&mut self, id: Resource<HostIncomingBody>) -> wasmtime::Result<Resource<HostFutureTrailers>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostIncomingBody::finish(&mut self.inner, id)
    }

    fn drop(&mut self, id: Resource<HostIncomingBody>) -> wasmtime::Result<()> {
        types::HostIncomingBody::drop(&mut self.inner, id)
    }
}

impl types::HostOutgoingResponse for AccountedHttpView<'_> {
    fn new(&mut self, headers: Resource<FieldMap>) -> wasmtime::Result<Resource<HostOutgoingResponse>> {
        self.charge("http responses", HANDLE_BYTES)?;
        types::HostOutgoingResponse::new(&mut self.inner, headers)
    }

    fn body(&mut self, id: Resource<HostOutgoingResponse>) -> wasmtime::Result<Result<Resource<HostOutgoingBody>, ()>> {
        self.charge("http bodies", HANDLE_BYTES.saturating_add(self.body_buffer_bytes))?;
        types::HostOutgoingResponse::body(&mut self.inner, id)
    }

    fn status_code(&mut self, id: Resource<HostOutgoingResponse>) -> wasmtime::Result<StatusCode> {
        self.inner.status_code(id)
    }

    fn set_status_code(&mut self, id: Resource<HostOutgoingResponse>, status: StatusCode) -> wasmtime::Result<Result<(), ()>> {
        self.inner.set_status_code(id, status)
    }

    fn headers(&mut self, id: Resource<HostOutgoingResponse>) -> wasmtime::Result<Resource<FieldMap>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostOutgoingResponse::headers(&mut self.inner, id)
    }

    fn drop(&mut self, id: Resource<HostOutgoingResponse>) -> wasmtime::Result<()> {
        types::HostOutgoingResponse::drop(&mut self.inner, id)
    }
}

impl types::HostFutureIncomingResponse for AccountedHttpView<'_> {
    fn drop(&mut self, id: Resource<HostFutureIncomingResponse>) -> wasmtime::Result<()> {
        types::HostFutureIncomingResponse::drop(&mut self.inner, id)
    }

    fn get(
        &mut self,
        id: Resource<HostFutureIncomingResponse>,
    ) -> wasmtime::Result<Option<Result<Result<Resource<HostIncomingResponse>, types::ErrorCode>, ()>>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostFutureIncomingResponse::get(&mut self.inner, id)
    }

    fn subscribe(&mut self, id: Resource<HostFutureIncomingResponse>) -> wasmtime::Result<Resource<DynPollable>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostFutureIncomingResponse::subscribe(&mut self.inner, id)
    }
}

impl types::HostOutgoingBody for AccountedHttpView<'_> {
    fn write(&mut self, id: Resource<HostOutgoingBody>) -> wasmtime::Result<Result<Resource<DynOutputStream>, ()>> {
        self.charge("http handles", HANDLE_BYTES)?;
        self.inner.write(id)
    }

    fn finish(&mut self, id: Resource<HostOutgoingBody>, ts: Option<Resource<Trailers>>) -> HttpResult<()> {
        types::HostOutgoingBody::finish(&mut self.inner, id, ts)
    }

    fn drop(&mut self, id: Resource<HostOutgoingBody>) -> wasmtime::Result<()> {
        types::HostOutgoingBody::drop(&mut self.inner, id)
    }
}

impl types::HostRequestOptions for AccountedHttpView<'_> {
    fn new(&mut self) -> wasmtime::Result<Resource<types::RequestOptions>> {
        self.charge("http handles", HANDLE_BYTES)?;
        types::HostRequestOptions::new(&mut self.inner)
    }

    fn connect_timeout(&mut self, opts: Resource<types::RequestOptions>) -> wasmtime::Result<Option<types::Duration>> {
        self.inner.connect_timeout(opts)
    }

    fn set_connect_timeout(
        &mut self,
        opts: Resource<types::RequestOptions>,
        duration: Option<types::Duration>,
    ) -> wasmtime::Result<Result<(), ()>> {
        self.inner.set_connect_timeout(opts, duration)
    }

    fn first_byte_timeout(&mut self, opts: Resource<types::RequestOptions>) -> wasmtime::Result<Option<types::Duration>> {
        self.inner.first_byte_timeout(opts)
    }

    fn set_first_byte_timeout(
        &mut self,
        opts: Resource<types::RequestOptions>,
        duration: Option<types::Duration>,
    ) -> wasmtime::Result<Result<(), ()>> {
        self.inner.set_first_byte_timeout(opts, duration)
    }

    fn between_bytes_timeout(&mut self, opts: Resource<types::RequestOptions>) -> wasmtime::Result<Option<types::Duration>> {
        self.inner.between_bytes_timeout(opts)
    }

    fn set_between_bytes_timeout(
        &mut self,
        opts: Resource<types::RequestOptions>,
        duration: Option<types::Duration>,
    ) -> wasmtime::Result<Result<(), ()>> {
        self.inner.set_between_bytes_timeout(opts, duration)
    }

    fn drop(&mut self, rep: Resource<types::RequestOptions>) -> wasmtime::Result<()> {
        types::HostRequestOptions::drop(&mut self.inner, rep)
    }
}
