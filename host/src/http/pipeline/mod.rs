//! A request's way through the bridge, in the order of the table in
//! `docs/http.md` ("A request, step by step"): cheapest and most protective
//! checks first. Every refusal is a [`BridgeError`] with a stable code.
//!
//! Two layers wrap every route (`router`):
//! - first `seal.rs`, which gives the request its id and, on the way out,
//!   sets the host's headers on every answer (the last step, 13);
//! - then `admission.rs`: the client's address and its token bucket
//!   (step 1, 429).
//!
//! Then a module request takes the steps of `serve_module`, one line each:
//! tenant, module and approved route (2-4, `target.rs`, one 404 for all),
//! credentials in the query (5, `query.rs`), the customer's token or the
//! integrator's session and same-origin proof (6-7,
//! `http/authentication.rs`), the body limit (8, `body.rs`), the breaker
//! (9), the request the module receives (`forward.rs`), the invocation under
//! its in-flight cap and budget (10-11, the engine), and what comes back
//! answered by code, checked, cleaned by class and reported to the breaker
//! (10-13, `answer.rs`).
//!
//! `/slots/<slot>` takes the same two layers, then steps 2 and 6
//! (`http/slots_api.rs`).

mod admission;
mod answer;
mod body;
mod forward;
mod query;
mod seal;
mod target;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use http::Request;
use tower::ServiceBuilder;

pub(crate) use self::admission::{ClientAddress, ClientAdmission};
pub(crate) use self::seal::RequestId;
use crate::http::bridge::ModuleBridge;
use crate::http::error::BridgeError;
use crate::http::slots_api::slot_request;

/// The bridge's routes behind its two layers. `route_layer`, so that an
/// integrator's own routes and fallback merged beside these pass neither.
pub(super) fn router(bridge: &Arc<ModuleBridge>) -> Router {
    // Outermost first: `seal` sees every answer, the 429 of step 1 included.
    let layers = ServiceBuilder::new()
        .layer(from_fn(seal::seal))
        .layer(from_fn_with_state(bridge.clone(), admission::admit_client));
    Router::new()
        .route("/modules/{module}", any(module_request))
        .route("/modules/{module}/{*rest}", any(module_request))
        .route("/slots/{slot}", get(slot_request))
        .route_layer(layers)
        .with_state(bridge.clone())
}

async fn module_request(
    State(bridge): State<Arc<ModuleBridge>>,
    Extension(client): Extension<ClientAddress>,
    Extension(request_id): Extension<RequestId>,
    Path(params): Path<HashMap<String, String>>,
    request: Request<Body>,
) -> Response {
    let name = params.get("module").map_or("", String::as_str);
    serve_module(&bridge, name, client, &request_id, request)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// Steps 2-12 for a request to module `name`, after step 1 admitted `client`.
async fn serve_module(
    bridge: &ModuleBridge,
    name: &str,
    client: ClientAddress,
    request_id: &RequestId,
    request: Request<Body>,
) -> Result<Response, BridgeError> {
    let limits = &bridge.config;
    let (method, uri, headers) = (request.method(), request.uri(), request.headers());
    // 2-4: tenant, module, approved route (one 404 for all).
    let (target, served) = target::resolve(bridge, name, method, uri.path(), headers).await?;
    // 5: no credential in the query string.
    query::refuse_credentials(uri)?;
    // 6-7: the customer's token or the integrator's session (then same origin).
    let customer = bridge.authenticate(method, headers, &target.tenant)?;
    // 8: the body, within its limit.
    let (parts, body) = request.into_parts();
    let body = body::read_within(&parts.headers, body, limits.max_request_body_bytes).await?;
    // 9: the install's circuit breaker.
    let permit = served
        .breaker
        .admit()
        .map_err(|open| BridgeError::breaker_open(name, &open))?;
    // 10-11: the module's own request, run under its in-flight cap and budget.
    let method = parts.method.clone();
    let asker = forward::Asker {
        client,
        customer_id: customer.as_ref().map(|c| c.customer_id.as_str()),
        request_id,
    };
    let module_request = forward::module_request(parts, body, &target, &asker)?;
    let outcome = served
        .module
        .handle_http(
            &target.tenant,
            module_request,
            limits.max_response_body_bytes,
            &served.extensions(),
        )
        .await
        .map(|invoked| invoked.value);
    // 10-13: failures answered by code, the answer checked and cleaned by
    // class, the breaker told. (The host's headers: the `seal` layer.)
    answer::settle(outcome, permit, &target, &method, served.module.log())
}
