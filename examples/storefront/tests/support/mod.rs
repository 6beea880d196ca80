//! The harness of the reviews tests: a storefront with the `reviews`
//! module, served on a free port, and the requests a browser or curl makes.

use std::net::SocketAddr;

use modgate_host::engine::TenantId;
use modgate_host::hooks::HookConfig;
use modgate_host::lifecycle::ModuleSource;
use modgate_host::storage::Storage;
use sea_orm::{ConnectionTrait, Statement};
use storefront::{Options, Storefront};

fn reviews_module() -> ModuleSource {
    let manifest = std::fs::read_to_string(format!("{}/module.toml", modgate_artifacts::REVIEWS_DIR)).unwrap();
    ModuleSource::new(manifest, modgate_artifacts::read(modgate_artifacts::REVIEWS))
}

/// A running storefront with the reviews module for both tenants.
pub struct Shop {
    pub base: String,
    address: SocketAddr,
    storage: Storage,
    pub tokens: Tokens,
    server: tokio::task::JoinHandle<()>,
    _data: tempfile::TempDir,
}

pub struct Tokens {
    pub ada: String,
    pub grace: String,
    pub hank: String,
}

impl Shop {
    pub async fn start(hooks: HookConfig) -> Shop {
        let data = tempfile::tempdir().unwrap();
        let storefront = Storefront::start(Options {
            hooks,
            ..Options::new(data.path().to_path_buf(), vec![reviews_module()])
        })
        .await
        .expect("storefront starts");
        for tenant in ["acme", "globex"] {
            assert!(
                storefront.module_report.iter().any(|line| line
                    .starts_with(&format!("reviews 0.1.0 for {tenant}: installed"))
                    && line.contains("hook(s) approved")),
                "{:?}",
                storefront.module_report
            );
        }
        let tokens = Tokens {
            ada: storefront.token_for("acme", "cu-ada").unwrap(),
            grace: storefront.token_for("acme", "cu-grace").unwrap(),
            hank: storefront.token_for("globex", "cu-hank").unwrap(),
        };
        let storage = storefront.lifecycle.storage().clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let _ = storefront.serve(listener).await;
        });
        Shop {
            base: format!("http://{address}"),
            address,
            storage,
            tokens,
            server,
            _data: data,
        }
    }

    /// A client that does not follow redirects and reaches
    /// `globex.localhost` on this server.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .resolve("globex.localhost", self.address)
            .build()
            .unwrap()
    }

    pub fn globex(&self) -> String {
        format!("http://globex.localhost:{}", self.address.port())
    }

    /// Posts the card's form as the shop's own page does: the session cookie
    /// and `Sec-Fetch-Site: same-origin`.
    pub async fn post_form(
        &self,
        base: &str,
        token: &str,
        product: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client()
            .post(format!("{base}/products/{product}/reviews"))
            .header("cookie", format!("storefront_session={token}"))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Posts with a bearer token, as curl does; the JSON answer.
    pub async fn post_api(
        &self,
        token: &str,
        product: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let response = self
            .client()
            .post(format!("{}/products/{product}/reviews", self.base))
            .bearer_auth(token)
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// The storefront page as the signed-in customer sees it.
    pub async fn page(&self, base: &str, token: &str, query: &str) -> String {
        let response = self
            .client()
            .get(format!("{base}/{query}"))
            .header("cookie", format!("storefront_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.text().await.unwrap()
    }

    /// Rows of `shop_reviews` for `tenant`.
    pub async fn stored(&self, tenant: &str) -> Vec<(String, String, String, i64, String)> {
        let db = self.storage.connection();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT product_id, customer_id, author, rating, body FROM shop_reviews WHERE tenant = ? ORDER BY id",
                [TenantId::new(tenant).unwrap().as_str().into()],
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|row| {
                (
                    row.try_get("", "product_id").unwrap(),
                    row.try_get("", "customer_id").unwrap(),
                    row.try_get("", "author").unwrap(),
                    row.try_get("", "rating").unwrap(),
                    row.try_get("", "body").unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The text of the card of `product` in the page.
pub fn card<'a>(page: &'a str, product: &str) -> &'a str {
    let start = page
        .find(&format!(r#"id="product-{product}""#))
        .unwrap_or_else(|| panic!("no card {product}: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</article>").unwrap()]
}
