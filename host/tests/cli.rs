//! `modgate verify` from the command line: exit codes and what it prints.

use std::path::Path;
use std::process::Command;

fn modgate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_modgate"))
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ is in the repository")
}

#[test]
fn verify_accepts_the_wishlist_module_and_exits_zero() {
    let out = modgate().arg("verify").arg(repo().join("guests/modules/wishlist")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("verdict    ACCEPTED"), "{stdout}");
    assert!(stdout.contains("modgate:commerce/products@1.0.0"), "{stdout}");
    assert!(stdout.contains("read:products"), "{stdout}");
}

#[test]
fn verify_refuses_an_ungranted_import_naming_the_permission() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(modgate_artifacts::WISHLIST, dir.path().join("wishlist.wasm")).unwrap();
    std::fs::write(
        dir.path().join("module.toml"),
        "name = \"wishlist\"\nversion = \"0.1.0\"\ncompatible-core = \"^1.0\"\npermissions = []\n",
    )
    .unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[ungranted-import] modgate:commerce/products@1.0.0"), "{stdout}");
    assert!(stdout.contains("add \"read:products\" to `permissions`"), "{stdout}");
    assert!(stdout.contains("verdict    REFUSED"), "{stdout}");
}

/// `modgate verify <module>`: its exit code, and stdout followed by stderr.
fn verify(module: &Path) -> (Option<i32>, String) {
    let out = modgate().arg("verify").arg(module).output().unwrap();
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// A module folder `name` in a temp dir: `module.toml` asking for
/// `permissions`, and `entry` (`app.py`, `index.js`) holding `code`.
fn polyglot_module(name: &str, permissions: &str, entry: &str, code: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join(name);
    std::fs::create_dir(&module).unwrap();
    std::fs::write(
        module.join("module.toml"),
        format!("name = {name:?}\nversion = \"0.1.0\"\ncompatible-core = \"^1.0\"\npermissions = [{permissions}]\n"),
    )
    .unwrap();
    std::fs::write(module.join(entry), code).unwrap();
    (dir, module)
}

const PYTHON_READING_PRODUCTS: &str = "from modgate import exported, log\nfrom wit_world import exports\nfrom wit_world.imports import products\n\n\n@exported\nclass Lifecycle(exports.Lifecycle):\n    def activate(self, settings: str) -> None:\n        log.info(products.get(\"p-1\").name)\n";

#[test]
fn verify_builds_a_python_module_folder_against_its_manifest() {
    let (_dir, module) = polyglot_module("cli-python", "\"read:products\"", "app.py", PYTHON_READING_PRODUCTS);
    let (code, stdout) = verify(&module);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("modgate:commerce/products@1.0.0"), "{stdout}");
    assert!(stdout.contains("verdict    ACCEPTED"), "{stdout}");
}

#[test]
fn a_python_module_using_an_interface_its_manifest_does_not_ask_for_does_not_build() {
    // Built against the base world only, the app's import of `products`
    // cannot be satisfied: the build fails and says where.
    let (_dir, module) = polyglot_module("cli-python-ungranted", "", "app.py", PYTHON_READING_PRODUCTS);
    let (code, stdout) = verify(&module);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("[component-not-found]"), "{stdout}");
    assert!(stdout.contains("building the Python guest failed"), "{stdout}");
    assert!(stdout.contains("products"), "{stdout}");
}

const JAVASCRIPT_READING_PRODUCTS: &str = "import * as log from 'modgate/log';\nimport { get } from 'modgate:commerce/products@1.0.0';\n\nexport const lifecycle = {\n  activate(_settings) {\n    log.info(get('p-1').name);\n  },\n};\n";

#[test]
fn verify_builds_a_javascript_module_folder_outside_the_checkout() {
    // The SDK (`modgate/log`) is bundled from the checkout's
    // guests/javascript/sdk although the folder has no node_modules.
    let (_dir, module) = polyglot_module("cli-javascript", "\"read:products\"", "index.js", JAVASCRIPT_READING_PRODUCTS);
    let (code, stdout) = verify(&module);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("modgate:commerce/products@1.0.0"), "{stdout}");
    assert!(stdout.contains("verdict    ACCEPTED"), "{stdout}");
}

#[test]
fn a_javascript_module_importing_a_package_nothing_provides_does_not_build() {
    // Left unresolved, the import would become one of the component's,
    // which no world offers: the bundler refuses it, naming the file.
    let code = "import pad from 'left-pad';\nexport const lifecycle = { activate(_settings) { pad('x', 2); } };\n";
    let (_dir, module) = polyglot_module("cli-javascript-unresolved", "", "index.js", code);
    let (code, stdout) = verify(&module);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("[component-not-found]"), "{stdout}");
    assert!(stdout.contains("building the JavaScript guest failed"), "{stdout}");
    assert!(stdout.contains("Could not resolve 'left-pad'"), "{stdout}");
}

#[test]
fn a_javascript_module_without_node_on_the_path_is_a_missing_toolchain() {
    let (_dir, module) = polyglot_module("cli-javascript-no-node", "", "index.js", JAVASCRIPT_READING_PRODUCTS);
    let empty = tempfile::tempdir().unwrap();
    let out = modgate().arg("verify").arg(&module).env("PATH", empty.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[guest-toolchain-missing]"), "{stdout}");
    assert!(stdout.contains("install Node.js 20 or newer"), "{stdout}");
}

#[test]
fn verify_reports_every_manifest_error_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("module.toml"),
        "name = \"Bad Name\"\nversion = \"one\"\ncompatible-core = \"^1.0\"\npermission = []\n",
    )
    .unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[invalid-manifest] module.toml: name"), "{stdout}");
    assert!(stdout.contains("[invalid-manifest] module.toml: version"), "{stdout}");
    assert!(stdout.contains("permissions"), "did-you-mean fix expected: {stdout}");
}

#[test]
fn verify_without_a_manifest_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no module.toml"));
}

fn run(args: &[&str], data_dir: &Path) -> (Option<i32>, String, String) {
    let out = modgate().args(args).arg("--data-dir").arg(data_dir).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn install_then_show_reports_the_wishlist_table_and_drift_once_altered() {
    let data = tempfile::tempdir().unwrap();
    let wishlist = repo().join("guests/modules/wishlist");
    let wishlist = wishlist.to_str().unwrap();

    let (code, _, stderr) = run(&["install", wishlist, "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1), "email:send needs the operator's acknowledgement");
    assert!(stderr.contains("[acknowledgement-required]") && stderr.contains("email:send"), "{stderr}");
    let (code, stdout, stderr) = run(&["install", wishlist, "--tenant", "acme", "--acknowledge-risk"], data.path());
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("write:own-tables"), "{stdout}");
    assert!(stdout.contains("risk"), "{stdout}");
    assert!(stdout.contains("installed wishlist 0.1.0 for tenant acme"), "{stdout}");
    assert!(stdout.contains("tables:   create table mod_wishlist_items"), "{stdout}");
    assert!(stdout.contains("and to receive the events: product.price-changed"), "the operator sees the subscriptions before: {stdout}");
    assert!(stdout.contains("receives: product.price-changed"), "and after: {stdout}");

    let (code, stdout, stderr) = run(&["show", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("table mod_wishlist_items (stored as acme__mod_wishlist_items)"), "{stdout}");
    assert!(stdout.contains("customer_id"), "{stdout}");
    assert!(stdout.contains("unique index (customer_id, product_id)"), "{stdout}");
    assert!(stdout.contains("drift: none"), "{stdout}");
    assert!(stdout.contains("events:     receives product.price-changed"), "{stdout}");
    assert!(stdout.contains("deliveries: 0 pending, 0 delivered, 0 dead"), "{stdout}");

    let (code, stdout, _) = run(&["events", "dead", "--tenant", "acme"], data.path());
    assert_eq!((code, stdout.trim()), (Some(0), "no dead letters"));
    let (code, _, stderr) = run(&["events", "redrive", "wishlist", "--tenant", "acme", "--all"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[no-such-delivery]"), "{stderr}");
    let (code, _, stderr) = run(&["events", "redrive", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(2), "--event or --all is required: {stderr}");

    let (code, stdout, _) = run(&["list"], data.path());
    assert_eq!(code, Some(0));
    assert!(stdout.contains("wishlist") && stdout.contains("acme"), "{stdout}");

    // Someone alters the table behind the host's back.
    let url = format!("sqlite://{}", data.path().join("modgate.db").display());
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let db = sea_orm::Database::connect(&url).await.unwrap();
        db.execute_unprepared("ALTER TABLE \"acme__mod_wishlist_items\" ADD COLUMN sneaky TEXT").await.unwrap();
    });
    let (code, stdout, _) = run(&["show", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("DRIFT: column sneaky is not declared"), "{stdout}");

    let (code, _, stderr) = run(&["uninstall", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&["show", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[not-installed]"), "{stderr}");
}

#[test]
fn install_refuses_invalid_settings_naming_the_path() {
    let data = tempfile::tempdir().unwrap();
    let wishlist = repo().join("guests/modules/wishlist");
    let (code, stdout, stderr) = run(
        &["install", wishlist.to_str().unwrap(), "--tenant", "acme", "--acknowledge-risk", "--settings", "{\"max-items\": 0}"],
        data.path(),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stderr.contains("[invalid-settings]"), "{stderr}");
    assert!(stderr.contains("settings /max-items"), "{stderr}");
    let (code, _, stderr) = run(&["install", wishlist.to_str().unwrap(), "--tenant", "Not A Slug"], data.path());
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn routes_are_approved_revoked_and_shown_and_the_breaker_reset() {
    let data = tempfile::tempdir().unwrap();
    let wishlist = repo().join("guests/modules/wishlist");
    let (code, stdout, stderr) = run(&["install", wishlist.to_str().unwrap(), "--tenant", "acme", "--acknowledge-risk"], data.path());
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");

    let (_, stdout, _) = run(&["show", "wishlist", "--tenant", "acme"], data.path());
    assert!(stdout.contains("GET /items") && stdout.contains("NOT APPROVED (answers 404)"), "{stdout}");

    let (code, stdout, stderr) = run(&["approve", "wishlist", "--tenant", "acme", "--route", "GET /items"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("approved GET /items of wishlist for acme"), "{stdout}");
    let (_, stdout, _) = run(&["show", "wishlist", "--tenant", "acme"], data.path());
    let line = stdout.lines().find(|l| l.trim_start().starts_with("GET /items ")).unwrap();
    assert!(line.ends_with("approved"), "{line}");

    let (code, _, stderr) = run(&["approve", "wishlist", "--tenant", "acme", "--route", "GET /admin"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[unknown-route]") && stderr.contains("POST /items/{product_id}"), "{stderr}");

    let (code, stdout, _) = run(&["approve", "wishlist", "--tenant", "acme", "--all"], data.path());
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().count(), 4, "the four routes not yet approved: {stdout}");
    let (code, stdout, _) = run(&["revoke", "wishlist", "--tenant", "acme", "--all"], data.path());
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("revoked")).count(), 5, "{stdout}");

    let (code, stdout, stderr) = run(&["breaker-reset", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("breaker of wishlist for acme reset"), "{stdout}");
    let (_, stdout, _) = run(&["show", "wishlist", "--tenant", "acme"], data.path());
    assert!(stdout.contains("breaker:    last reset by an operator"), "{stdout}");
    let (code, _, stderr) = run(&["breaker-reset", "nothing", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[not-installed]"), "{stderr}");
}

/// A module folder with `manifest` and the component at `component`.
fn module_folder(manifest: &str, component: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(component, dir.path().join("module.wasm")).unwrap();
    std::fs::write(dir.path().join("module.toml"), format!("component = \"module.wasm\"\n{manifest}")).unwrap();
    dir
}

#[test]
fn a_huge_activate_error_is_printed_cut_to_its_bound() {
    let data = tempfile::tempdir().unwrap();
    let dir = module_folder(
        "name = \"resource-hog\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\
         [settings]\ntype = \"object\"\n[settings.properties.error-bytes]\ntype = \"integer\"\n",
        modgate_artifacts::RESOURCE_HOG,
    );
    let folder = dir.path().to_str().unwrap();
    let (code, stdout, stderr) =
        run(&["install", folder, "--tenant", "acme", "--settings", r#"{"error-bytes": 900000}"#], data.path());
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("refused [activation-failed]"), "{stderr}");
    assert!(stderr.contains("900000 bytes in all"), "{stderr}");
    assert!(stderr.len() < 8 * 1024, "the CLI printed {} bytes", stderr.len());
}

#[test]
fn an_oversize_component_is_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("module.toml"),
        "name = \"huge\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\ncomponent = \"huge.wasm\"\n",
    )
    .unwrap();
    // 64 GiB of nothing: reading it would take the machine's memory.
    std::fs::File::create(dir.path().join("huge.wasm")).unwrap().set_len(64 << 30).unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[component-too-large]"), "{stdout}");
    let data = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["install", dir.path().to_str().unwrap(), "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("refused [component-too-large]"), "{stderr}");
}

/// One dead message, as the mail worker leaves it after a relay's
/// permanent refusal.
fn insert_dead_message(data_dir: &Path) {
    let url = format!("sqlite://{}", data_dir.join("modgate.db").display());
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let db = sea_orm::Database::connect(&url).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO modgate_mail (id, tenant, module, customer_id, recipient, sender, subject, body, message_id, dedupe_key, \
             state, attempts, next_at, lease_token, last_error, via, created_at, created_ms, sent_at, updated_at) VALUES \
             ('01JDEADMESSAGE000000000000', 'acme', 'wishlist', 'cu-1', 'ada@acme.example', 'Acme <shop@acme.example>', \
             'Price drop: Kettle', 'Now 9.90 EUR.', '01jdeadmessage@acme.example', NULL, 'dead', 1, 0, NULL, \
             'the relay refused the message: 550 no such user', NULL, '2026-11-30T10:00:00.000Z', 0, NULL, '2026-11-30T10:00:01.000Z')",
        )
        .await
        .unwrap();
    });
}

#[test]
fn mail_is_listed_shown_and_redriven() {
    let data = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(&["mail", "list"], data.path());
    assert_eq!((code, stdout.trim()), (Some(0), "no messages"));
    insert_dead_message(data.path());

    let (code, stdout, stderr) = run(&["mail", "list", "--state", "dead", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("01JDEADMESSAGE000000000000") && stdout.contains("dead") && stdout.contains("Price drop: Kettle"), "{stdout}");
    assert!(stdout.contains("after 1 attempt(s): the relay refused the message: 550 no such user"), "{stdout}");
    let (code, stdout, _) = run(&["mail", "list", "--module", "other"], data.path());
    assert_eq!((code, stdout.trim()), (Some(0), "no messages"));
    let (code, _, stderr) = run(&["mail", "list", "--state", "lost"], data.path());
    assert_eq!(code, Some(2), "{stderr}");

    let (code, stdout, _) = run(&["mail", "show", "01JDEADMESSAGE000000000000"], data.path());
    assert_eq!(code, Some(0));
    for line in ["Message-ID: <01jdeadmessage@acme.example>", "From: Acme <shop@acme.example>", "To: ada@acme.example", "Subject: Price drop: Kettle", "Now 9.90 EUR."] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
    let (code, stdout, _) = run(&["mail", "show", "01JDEADMESSAGE000000000000", "--json"], data.path());
    assert_eq!(code, Some(0));
    let shown: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((shown["state"].as_str(), shown["customer_id"].as_str()), (Some("dead"), Some("cu-1")));
    let (code, _, stderr) = run(&["mail", "show", "01JNOSUCHMESSAGE0000000000"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[no-such-message]"), "{stderr}");

    let (code, _, stderr) = run(&["mail", "redrive"], data.path());
    assert_eq!(code, Some(2), "an id or --all is required: {stderr}");
    let (code, _, stderr) = run(&["mail", "redrive", "--all"], data.path());
    assert_eq!(code, Some(2), "--all needs --tenant: {stderr}");
    let (code, stdout, stderr) = run(&["mail", "redrive", "--all", "--tenant", "acme", "--module", "wishlist"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("redrove 1 message(s)"), "{stdout}");
    let (code, _, stderr) = run(&["mail", "redrive", "01JDEADMESSAGE000000000000"], data.path());
    assert_eq!(code, Some(1), "no longer dead");
    assert!(stderr.contains("[no-such-message]"), "{stderr}");
    let (_, stdout, _) = run(&["mail", "list", "--state", "pending"], data.path());
    assert!(stdout.contains("01JDEADMESSAGE000000000000"), "{stdout}");
}

/// Publishes the storefront's `review` and `product` entities into the
/// database at `data_dir`, as the storefront does when it starts.
fn publish_shop_entities(data_dir: &Path) {
    let url = format!("sqlite://{}", data_dir.join("modgate.db").display());
    let field = |kind: &str, nullable: bool, access: &str| {
        serde_json::json!({ "type": { "kind": kind, "nullable": nullable }, "access": access })
    };
    let review = serde_json::json!({
        "name": "review",
        "fields": { "id": field("string", false, "read"), "product_id": field("string", false, "read"),
                    "rating": field("integer", false, "read"), "author": field("string", false, "read"),
                    "body": field("string", false, "adjust") },
        "moments": ["before-create", "after-create"],
        "actions": [],
    });
    let product = serde_json::json!({
        "name": "product",
        "fields": { "id": field("string", false, "read"), "name": field("string", false, "read"),
                    "price_minor": field("integer", false, "read"),
                    "average_rating": field("number", true, "adjust"), "review_count": field("integer", false, "adjust") },
        "moments": ["after-read"],
        "actions": [],
    });
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let db = sea_orm::Database::connect(&url).await.unwrap();
        for entity in [review, product] {
            let insert = sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                "INSERT INTO modgate_hookable_entities (name, definition, published_at) VALUES (?, ?, '2026-12-01T00:00:00Z')",
                [entity["name"].as_str().unwrap().into(), entity.to_string().into()],
            );
            db.execute_raw(insert).await.unwrap();
        }
    });
}

#[test]
fn hooks_are_refused_unless_hookable_then_approved_revoked_shown_and_re_armed() {
    let data = tempfile::tempdir().unwrap();
    let reviews = repo().join("guests/modules/reviews");
    let install = || run(&["install", reviews.to_str().unwrap(), "--tenant", "acme"], data.path());
    let (code, _, stderr) = install();
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[not-hookable]") && stderr.contains("this host makes no entity hookable"), "{stderr}");

    publish_shop_entities(data.path());
    let (code, stdout, stderr) = install();
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let (_, stdout, _) = run(&["show", "reviews", "--tenant", "acme"], data.path());
    let line = stdout.lines().find(|l| l.trim_start().starts_with("before-create review")).expect(&stdout);
    assert!(line.ends_with("NOT APPROVED (skipped)"), "{line}");

    let (code, stdout, stderr) = run(&["approve", "reviews", "--tenant", "acme", "--hook", "before-create review"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("approved before-create review of reviews for acme"), "{stdout}");
    let (_, stdout, _) = run(&["show", "reviews", "--tenant", "acme"], data.path());
    let line = stdout.lines().find(|l| l.trim_start().starts_with("before-create review")).unwrap();
    assert!(line.ends_with("approved"), "{line}");

    // One approval is all or nothing: the route is not approved either.
    let args = ["approve", "reviews", "--tenant", "acme", "--route", "GET /products/{product_id}", "--hook", "before-delete review"];
    let (code, _, stderr) = run(&args, data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[unknown-hook]") && stderr.contains("after-read product"), "{stderr}");
    let (_, stdout, _) = run(&["show", "reviews", "--tenant", "acme"], data.path());
    let line = stdout.lines().find(|l| l.trim_start().starts_with("GET /products/{product_id}")).expect(&stdout);
    assert!(line.ends_with("NOT APPROVED (answers 404)"), "{line}");
    let (code, stdout, _) = run(&["revoke", "reviews", "--tenant", "acme", "--hook", "before-create review"], data.path());
    assert_eq!(code, Some(0));
    assert!(stdout.contains("revoked before-create review of reviews for acme"), "{stdout}");

    let (code, stdout, stderr) = run(&["breaker-reset", "reviews", "--tenant", "acme", "--hooks"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("hook breakers of reviews for acme re-armed"), "{stdout}");
    let (_, stdout, _) = run(&["show", "reviews", "--tenant", "acme"], data.path());
    assert!(stdout.contains("hook breakers: last re-armed by an operator"), "{stdout}");
    assert!(!stdout.contains("breaker:    last reset"), "the HTTP breaker was left alone: {stdout}");
}

#[test]
fn the_outbound_allowlist_is_set_at_install_shown_changed_and_refused_when_wrong() {
    let data = tempfile::tempdir().unwrap();
    let manifest = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"http:outbound\"]\n";
    let dir = module_folder(manifest, modgate_artifacts::CONFORMANCE_HTTP_OUTBOUND);
    let module = dir.path().to_str().unwrap();

    let (code, _, stderr) = run(&["install", module, "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("refused [acknowledgement-required]") && stderr.contains("http:outbound"), "{stderr}");
    let (code, _, stderr) =
        run(&["install", module, "--tenant", "acme", "--acknowledge-risk", "--allow-host", "bad host"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("refused [invalid-allowlist-entry]"), "{stderr}");

    let install = ["install", module, "--tenant", "acme", "--acknowledge-risk"];
    let (code, stdout, stderr) =
        run(&[&install[..], &["--allow-host", "api.prices.example", "--allow-host", "*.cdn.example:8443"]].concat(), data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("outbound: api.prices.example\n") && stdout.contains("outbound: *.cdn.example:8443\n"), "{stdout}");

    let add = [
        "allowlist", "add", "conformance", "prices.internal:8080", "--tenant", "acme", "--address", "10.1.2.3/32",
        "--credential", "authorization=price-api",
    ];
    let (code, stdout, stderr) = run(&add, data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("prices.internal:8080 address=10.1.2.3/32 credential=authorization:secret(price-api)"), "{stdout}");
    assert!(stdout.contains("$MODGATE_SECRET_PRICE_API"), "where the value comes from: {stdout}");

    let (code, _, stderr) =
        run(&["allowlist", "add", "conformance", "evil.example", "--tenant", "acme", "--address", "0.0.0.0/0"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("refused [invalid-allowlist-entry]") && stderr.contains("broader"), "{stderr}");
    let (code, _, stderr) =
        run(&["allowlist", "add", "conformance", "api.example", "--tenant", "acme", "--credential", "host=key"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("refused [invalid-allowlist-entry]"), "{stderr}");
    let (code, _, stderr) = run(&["allowlist", "remove", "conformance", "nothing.example", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("refused [unknown-allowlist-entry]"), "{stderr}");
    let (code, _, stderr) = run(&["allowlist", "show", "other", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("refused [not-installed]"), "{stderr}");

    let (_, stdout, _) = run(&["show", "conformance", "--tenant", "acme"], data.path());
    assert!(stdout.contains("  outbound:\n    api.prices.example\n    *.cdn.example:8443\n    prices.internal:8080"), "{stdout}");
    let (_, stdout, _) = run(&["allowlist", "show", "conformance", "--tenant", "acme", "--json"], data.path());
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json[2]["credential"], serde_json::json!({"header": "authorization", "secret": "price-api"}));

    // An upgrade without --allow-host keeps the allowlist.
    let (code, _, stderr) = run(&install, data.path());
    assert_eq!(code, Some(0), "{stderr}");
    let (_, stdout, _) = run(&["allowlist", "show", "conformance", "--tenant", "acme"], data.path());
    assert_eq!(stdout.lines().count(), 5, "three entries kept, one secret line: {stdout}");

    let (code, _, _) = run(&["allowlist", "remove", "conformance", "API.prices.example", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "entries are matched in their normal form");
    let (code, stdout, _) = run(&["allowlist", "clear", "conformance", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0));
    assert!(stdout.contains("(empty: every request is refused)"), "{stdout}");
}

#[test]
fn modules_are_disabled_enabled_reconfigured_and_audited() {
    let data = tempfile::tempdir().unwrap();
    let wishlist = repo().join("guests/modules/wishlist");
    let (code, stdout, stderr) = run(&["install", wishlist.to_str().unwrap(), "--tenant", "acme", "--acknowledge-risk"], data.path());
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");

    let (code, stdout, stderr) = run(&["disable", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("wishlist is disabled for acme"), "{stdout}");
    let (_, stdout, _) = run(&["disable", "wishlist", "--tenant", "acme"], data.path());
    assert!(stdout.contains("wishlist was already disabled for acme"), "{stdout}");
    let (_, stdout, _) = run(&["list", "--json"], data.path());
    assert!(stdout.contains("\"enabled\": false"), "{stdout}");
    let (code, stdout, _) = run(&["enable", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0));
    assert!(stdout.contains("wishlist is enabled for acme"), "{stdout}");

    let (code, stdout, _) = run(&["settings", "wishlist", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0));
    assert!(stdout.contains("\"max-items\": 100"), "{stdout}");
    let (code, stdout, stderr) = run(&["settings", "wishlist", "--tenant", "acme", "--set", "{\"max-items\": 7}"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("\"max-items\": 7"), "{stdout}");
    let (code, _, stderr) = run(&["settings", "wishlist", "--tenant", "acme", "--set", "{\"max-items\": 0}"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[invalid-settings]") && stderr.contains("settings /max-items"), "{stderr}");
    let (code, _, stderr) = run(&["settings", "wishlist", "--tenant", "acme", "--set", "not json"], data.path());
    assert_eq!(code, Some(2), "{stderr}");

    // No serving process ran it here: every declared permission is unused.
    let (code, stdout, stderr) = run(&["audit", "wishlist", "--tenant", "acme", "--days", "7"], data.path());
    assert_eq!(code, Some(1), "unused permissions: {stdout}\n{stderr}");
    assert!(stdout.contains("email:send"), "{stdout}");
    assert!(stdout.contains("permissions = []"), "{stdout}");
    let (code, stdout, _) = run(&["audit", "wishlist", "--tenant", "acme", "--json"], data.path());
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["unused"], serde_json::json!(["read:products", "write:own-tables", "subscribe:events", "email:send"]));
    assert_eq!(report["window_days"], 30);
    let (code, _, stderr) = run(&["audit", "nobody", "--tenant", "acme"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[not-installed]"), "{stderr}");

    // The audit log names the command's user.
    let url = format!("sqlite://{}", data.path().join("modgate.db").display());
    let actors: Vec<(String, String)> = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sea_orm::{ConnectionTrait, Statement};
        let db = sea_orm::Database::connect(&url).await.unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT actor, action FROM modgate_audit_log ORDER BY id"))
            .await
            .unwrap();
        rows.iter().map(|row| (row.try_get("", "actor").unwrap(), row.try_get("", "action").unwrap())).collect()
    });
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let actions: Vec<&str> = actors.iter().map(|(_, action)| action.as_str()).collect();
    assert_eq!(actions, ["install", "disable", "enable", "settings"]);
    assert!(actors.iter().all(|(actor, _)| *actor == format!("cli:{user}")), "{actors:?}");
}

#[test]
fn a_reload_stages_a_new_version_that_serves_once_promoted() {
    let data = tempfile::tempdir().unwrap();
    let routes = "[[routes]]\nmethod = \"GET\"\npath = \"/echo\"\n";
    let v1 = module_folder(&format!("name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n{routes}"), modgate_artifacts::HTTP_PROBE);
    let v2 = module_folder(&format!("name = \"probe\"\nversion = \"1.1.0\"\ncompatible-core = \"^1.0\"\n{routes}"), modgate_artifacts::HTTP_PROBE);
    let (code, _, stderr) = run(&["install", v1.path().to_str().unwrap(), "--tenant", "acme"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&["promote", "probe", "--tenant", "acme", "--all"], data.path());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("[nothing-staged]"), "{stderr}");

    let (code, stdout, stderr) = run(&["reload", v2.path().to_str().unwrap()], data.path());
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("acme: probe 1.1.0 staged"), "{stdout}");
    let (_, stdout, _) = run(&["show", "probe", "--tenant", "acme"], data.path());
    assert!(stdout.starts_with("probe 1.0.0 for tenant acme"), "v1 still serves: {stdout}");
    assert!(stdout.contains("staged:     1.1.0") && stdout.contains("last reload: stage"), "{stdout}");

    let (code, stdout, stderr) = run(&["promote", "probe", "--tenant", "acme", "--all"], data.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("probe 1.1.0 now serves for acme (was 1.0.0)") && stdout.contains("approved GET /echo"), "{stdout}");
    let (code, stdout, _) = run(&["reload", v2.path().to_str().unwrap()], data.path());
    assert_eq!(code, Some(0));
    assert!(stdout.contains("acme: unchanged"), "{stdout}");
}
