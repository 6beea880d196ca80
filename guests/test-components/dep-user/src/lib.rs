//! Per-dependency grants: the main module of a dependency tree. A normal
//! module (the SDK's `lifecycle` and `slot-provider` exports) that imports
//! `modgate-example:deps/greeter@0.1.0` (from `dep-greeter`, which imports
//! `casing` from `dep-casing`) and `modgate-example:deps/fetcher@0.1.0`
//! (from `dep-fetcher`). It asks for no permission itself: the outgoing
//! HTTP is the fetcher's, under the fetcher's own grant; its only other
//! imports are the always-available `modgate:host/settings` (and the
//! `modgate:host/types` its exports use).
//!
//! - `activate` succeeds for any settings.
//! - The slot `product-card.badges` (any slot the host asks for, in fact)
//!   renders one text widget `<greet("ada")>|<fetched>`, where `<fetched>`
//!   is for the settings key `fetch` (a URL, e.g.
//!   `{"fetch": "http://127.0.0.1:1234/x"}`, read with `settings::get` at
//!   render time): the body when `get(url)` answered `Ok(body)`,
//!   `error:<code>` when it answered `Err(code)` (e.g.
//!   `error:HTTP-request-denied`), and `no-fetch` when there is no `fetch`
//!   key. Settings that are not JSON, or a `fetch` that is not a string,
//!   fail the render (`invalid`).
//!
//! The lead's tests: with the tree wired, the render starts with
//! `Hello, ADA!|`.

use modgate_sdk::{Error, Module, SlotRequest, Slots, Widget, json, settings};

mod deps {
    wit_bindgen::generate!({
        path: ["../../../wit/host", "../dep-wit/wit"],
        world: "modgate-example:deps/user",
        generate_all,
    });
}

use deps::modgate_example::deps::{fetcher, greeter};

struct User;

impl Module for User {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Slots for User {
    fn render(_request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let greeting = greeter::greet("ada");
        let fetched = match fetch_url()? {
            None => "no-fetch".to_owned(),
            Some(url) => match fetcher::get(&url) {
                Ok(body) => body,
                Err(code) => format!("error:{code}"),
            },
        };
        Ok(vec![Widget::Text(format!("{greeting}|{fetched}"))])
    }
}

/// The settings' `fetch` URL, if any.
fn fetch_url() -> Result<Option<String>, Error> {
    let text = settings::get();
    let document = json::parse(&text)
        .map_err(|e| Error::invalid(format!("dep-user: settings are not JSON ({e}): {text}")))?;
    match document.get("fetch") {
        None => Ok(None),
        Some(value) => value
            .as_str()
            .map(|url| Some(url.to_owned()))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "dep-user: setting `fetch` is not a string: {value}"
                ))
            }),
    }
}

modgate_sdk::export_module!(User);
