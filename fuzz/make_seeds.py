#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/seeds/<target>/ and the dictionaries in
fuzz/dictionaries/. Run from the checkout after building the test
components once (`cargo test` does): the component seeds are the small test
components. Seeds are committed; this script documents where they came from."""

import base64, glob, hashlib, hmac, json, os, random, re, shutil, sys

ROOT = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(ROOT)
SEEDS = os.path.join(ROOT, "seeds")
DICTS = os.path.join(ROOT, "dictionaries")


def write(target, name, data):
    folder = os.path.join(SEEDS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def dictionary(target, tokens):
    """libFuzzer's format: one quoted token per line, escapes \\, \" and \\xHH only."""
    os.makedirs(DICTS, exist_ok=True)
    with open(os.path.join(DICTS, target + ".dict"), "w") as f:
        for token in filter(None, tokens):
            quoted = "".join(
                "\\\\" if b == 0x5C else '\\"' if b == 0x22 else chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02X}"
                for b in token.encode())
            f.write(f'"{quoted}"\n')


def manifests():
    for path in sorted(glob.glob(os.path.join(CHECKOUT, "guests/**/module.toml"), recursive=True)):
        if "/target/" in path or "/node_modules/" in path:
            continue
        name = os.path.relpath(path, CHECKOUT).replace("/", "_")
        write("manifest", name, open(path, "rb").read())
    write("manifest", "traversal.toml", 'name = "x"\nversion = "1.0.0"\ncompatible-core = "^1.0"\ncomponent = "../../etc/passwd"\n')
    write("manifest", "abs.toml", 'name = "x"\nversion = "1.0.0"\ncompatible-core = "^1.0"\ncomponent = "/etc/passwd"\n')
    dictionary("manifest", ["name", "version", "compatible-core", "permissions", "component", "[[tables]]", "[[routes]]",
                            "[[hooks]]", "slots", "subscriptions", "columns", "type", "nullable", "unique", "method",
                            "path", "read:products", "write:own-tables", "http:outbound", "email:send", "mod_", "..",
                            "\\u0000", "^1.0", "=", "\"", "'''", "\n"])


def components():
    built = sorted(glob.glob(os.path.join(CHECKOUT, "target/debug/build/modgate-artifacts-*/out/components")),
                   key=os.path.getmtime)
    if not built:
        sys.exit("build the test components first (cargo test)")
    os.makedirs(os.path.join(SEEDS, "component_check"), exist_ok=True)
    for name in ["minimal", "infinite-loop", "spin", "host-calls", "conformance-base", "conformance-slots", "sql-probe"]:
        shutil.copy(os.path.join(built[-1], name + ".wasm"), os.path.join(SEEDS, "component_check", name + ".wasm"))
    packages = ["modgate:host", "modgate:commerce", "wasi:clocks", "wasi:random", "wasi:io", "wasi:cli",
                "wasi:filesystem", "wasi:sockets", "wasi:http", "wasi:keyvalue", "acme:evil", "modgate:hostx"]
    interfaces = ["types", "log", "settings", "tables", "events", "email", "lifecycle", "event-handler", "products",
                  "customers", "core-events", "streams", "environment", "preopens", "tcp", "ip-name-lookup",
                  "outgoing-handler", "incoming-handler", "store", "backdoor", "monotonic-clock", "random"]
    versions = ["@1.0.0", "@1.2.0", "@1.0.0-rc.1", "@2.0.0", "@0.2.0", "@0.2.6", "@0.3.0", "@0.3.0-rc-2025-09-16",
                "@0.1.0", ""]
    rng = random.Random(20)
    for i in range(24):
        lines = [f"import {rng.choice(packages)}/{rng.choice(interfaces)}{rng.choice(versions)}" for _ in range(rng.randint(1, 5))]
        lines += [f"export {rng.choice(['modgate:host/lifecycle@1.0.0', 'wasi:http/incoming-handler@0.2.0', 'modgate:host/slot-provider@1.0.0'])} {rng.randint(0, 4)}"]
        write("component_imports", f"mix-{i:02}", "\n".join(lines) + "\n")
    write("component_imports", "same-interface-two-versions",
          "import modgate:host/log@1.0.0\nimport modgate:host/log@1.1.0\nexport modgate:host/lifecycle@1.0.0 0\n")
    dictionary("component_imports", ["import ", "export ", "\n", "@", "/", ":"] + packages + interfaces + versions)


def sql():
    probe = ["SELECT * FROM mod_probe_items",
             "SELECT name, qty FROM mod_probe_items WHERE qty > ? ORDER BY name LIMIT ?",
             "SELECT i.name, t.label FROM mod_probe_items AS i JOIN mod_probe_tags AS t ON t.label = i.name",
             "WITH c AS (SELECT name FROM mod_probe_items) SELECT * FROM c",
             "INSERT INTO mod_probe_items (name, qty) VALUES (?, ?)",
             "INSERT INTO mod_probe_tags (label) SELECT name FROM mod_probe_items WHERE qty > ?",
             "UPDATE mod_probe_items SET qty = qty + 1 WHERE id = ? RETURNING qty",
             "DELETE FROM mod_probe_tags WHERE label = ?",
             "SELECT count(*) FROM mod_probe_items WHERE name IN (SELECT label FROM mod_probe_tags)",
             "SELECT name FROM mod_probe_items UNION SELECT label FROM mod_probe_tags"]
    corpus = open(os.path.join(CHECKOUT, "host/src/testing/hostile_sql.txt")).read()
    hostile = re.findall(r"^-- name: ([^\n]+)\n(.*?)(?=^-- name:|\Z)", corpus, flags=re.S | re.M)
    for i, statement in enumerate(probe):
        params = statement.count("?")
        for backend in (0, 1):
            kind = 2 if statement.split()[0] in ("INSERT", "UPDATE", "DELETE") and "RETURNING" not in statement else 0
            write("sql_guard", f"probe-{i:02}-{backend}", bytes([(params << 2) | kind | backend]) + statement.encode())
    for name, statement in hostile:
        name = name.split()[0]
        write("sql_guard", f"hostile-{name}", bytes([0]) + statement.strip().encode())
    rng = random.Random(7)
    for i in range(16):
        write("sql_guard_grammar", f"random-{i:02}", bytes(rng.randrange(256) for _ in range(rng.randint(16, 200))))
    keywords = ["SELECT", "FROM", "WHERE", "INSERT INTO", "VALUES", "UPDATE", "SET", "DELETE", "RETURNING", "WITH",
                "AS", "JOIN", "ON", "UNION", "ORDER BY", "LIMIT", "?", "?1", "$1", ";", "--", "/*", "*/", "\"", "'",
                "mod_probe_items", "mod_probe_tags", "mod_other_secrets", "modgate_tenants", "sqlite_master",
                "pg_catalog", "main.", "temp.", "acme__", "mg_t_acme", "id", "created_at", "rowid", "load_extension",
                "pg_read_file", "ATTACH", "PRAGMA", "(", ")", ","]
    dictionary("sql_guard", keywords)


def ssrf():
    hosts = ["example.com", "localhost", "localhost.", "127.0.0.1", "127.1", "0x7f.1", "0177.0.0.1", "2130706433",
             "0x7f000001", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]",
             "169.254.169.254", "[fd00:ec2::254]", "%31%32%37.0.0.1", "EXAMPLE.com", "xn--bcher-kva.example",
             "[fe80::1%25eth0]", "0.0.0.0", "10.0.0.1.", "example.com.", "1.2.3.4.5", "0x7f.0x0.0x0.0x1"]
    rng = random.Random(11)
    for i, host in enumerate(hosts):
        uri = f"http://{host}:8080/path"
        tail = bytes(rng.randrange(256) for _ in range(40))
        write("ssrf_guard", f"host-{i:02}", host.encode() + b"\n" + uri.encode() + b"\n" + tail)
    # Found by fuzzing (a name with an empty label); see the host's outbound tests.
    write("ssrf_guard", "found-empty-label", b"0..10p.%2e\nhttp://api..example/\n")
    dictionary("ssrf_guard", ["0x", "0", ".", "[", "]", "::", "ffff:", "%2e", "%", "127", "169.254.169.254", "localhost",
                              "http://", "https://", "@", ":", "xn--", "\n"])


def email():
    cases = [("ada@example.com", "Your order", "Hello Ada,\nyour order shipped.\n"),
             ("ada@example.com", "Two\r\nBcc: eve@evil.example", "x"),
             ("ada@example.com, eve@evil.example", "Hi", "x"),
             ("Ada <ada@example.com>", "Hi", "x"),
             ("ada@example.com", "Hi", "line\r\n.\r\nMAIL FROM:<eve@evil.example>\r\n"),
             ("ada%eve@example.com", "Hi", "x"),
             ("a.b-c+d@sub.example.co", "Ünïcödé subject", "Body with \u2028 separator"),
             ("ada@example.com", "Hi", "bare\rcr and bare\nlf")]
    for i, (to, subject, text) in enumerate(cases):
        write("email", f"message-{i:02}", f"{to}\0{subject}\0{text}")
    dictionary("email", ["@", "\r\n", "\n", "\r", ".", ",", "<", ">", "\"", "Bcc: ", "To: ", "\0", "%", "!",
                         "example.com", "xn--", "\u2028", "\u0085"])


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt():
    secret = b"fuzz-secret-of-at-least-32-bytes!!"
    now = 1_800_000_000
    claims = {"sub": "cust_123", "tenant": "acme", "iss": "https://id.example", "aud": "shop", "exp": now + 600,
              "nbf": now - 10}

    def hs256(header, body, key=secret):
        signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(body).encode())
        return signing + "." + b64(hmac.new(key, signing.encode(), hashlib.sha256).digest())

    tokens = {
        "valid-hs256": hs256({"alg": "HS256", "typ": "JWT"}, claims),
        "expired": hs256({"alg": "HS256"}, {**claims, "exp": now - 3600}),
        "audience-array": hs256({"alg": "HS256"}, {**claims, "aud": ["other", "shop"]}),
        "no-tenant": hs256({"alg": "HS256"}, {k: v for k, v in claims.items() if k != "tenant"}),
        "alg-none": b64(b'{"alg":"none"}') + "." + b64(json.dumps(claims).encode()) + ".",
        "wrong-issuer": hs256({"alg": "HS256"}, {**claims, "iss": "https://evil.example"}),
        "header-injection-sub": hs256({"alg": "HS256"}, {**claims, "sub": "cust\r\nmodgate-tenant: globex"}),
    }
    public_pem = open(os.path.join(ROOT, "keys/rsa-public.pem"), "rb").read()
    tokens["alg-confusion"] = hs256({"alg": "HS256", "kid": "rsa"}, claims, key=public_pem)
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        source = open(os.path.join(CHECKOUT, "host/src/http/identity/test_keys.rs")).read()
        pem = re.search(r'RSA_PRIVATE_PEM: &str = "\\\n(.*?)";', source, re.S).group(1)
        pem = pem.replace("\\n\\\n", "\n").replace("\\n", "\n").encode()
        key = serialization.load_pem_private_key(pem, password=None)
        signing = b64(json.dumps({"alg": "RS256", "kid": "rsa"}).encode()) + "." + b64(json.dumps(claims).encode())
        signature = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        tokens["valid-rs256"] = signing + "." + b64(signature)
    except ImportError:
        print("no python cryptography: the RS256 seed is skipped", file=sys.stderr)
    for name, token in tokens.items():
        write("jwt", name, b"\0\0" + token.encode())
    dictionary("jwt", ["eyJ", ".", "\"alg\"", "HS256", "RS256", "none", "EdDSA", "\"kid\"", "\"exp\"", "\"nbf\"",
                       "\"sub\"", "\"aud\"", "\"iss\"", "=", "-", "_"])


def headers():
    cases = {
        "request": "authorization: Bearer x\ncookie: a=b\nmodgate-customer-id: eve\nx-forwarded-for: 1.2.3.4\n"
                   "connection: x-secret\nx-secret: 1\naccept: */*\n",
        "response": "set-cookie: a=b\nlocation: /modules/fuzz/next\ncontent-security-policy: none\n"
                    "x-frame-options: ALLOW\ncache-control: public\n",
        "escape-location": "location: //evil.example/\ncontent-location: /modules/fuzz/../admin\n",
        "encoded": "location: /modules/fuzz/%2e%2e/admin\nrefresh: 0; url=https://evil.example\n",
        "disguised": "set_cookie: a=b\nSet-Cookie2: x\nwww-authenticate: Basic\nstrict-transport-security: max-age=1\n",
    }
    for name, text in cases.items():
        write("header_hygiene", name, text)
    dictionary("header_hygiene", ["set-cookie", "location", "content-location", "/modules/fuzz/", "..", "%2e", "%2f",
                                  "//", "\\", "modgate-", "connection", "authorization", "cookie", "x-forwarded-",
                                  "access-control-", "_", ": ", "\n"])


def widgets():
    cases = {
        "wishlist": "wishlist\ntoggle\tSave\tSaved\ton\t/modules/wishlist/items/p1/toggle\nbadge\tPrice drop\tsuccess\n",
        "links": "fuzz-probe\nlink\tMore\t/modules/fuzz-probe/more?x=1\ntext\tHello\n",
        "escape": "fuzz-probe\nlink\tx\t/modules/fuzz-probe/../admin\nlink\tx\t//evil.example/\n",
        "encoded": "fuzz-probe\nlink\tx\t/modules/fuzz-probe/%2e%2e/admin\nlink\tx\t/modules/fuzz-probe\\..\\admin\n",
        "markup": "wishlist\ntext\t<script>alert(1)</script>\nbadge\tx\u202e\tinfo\n",
    }
    for name, text in cases.items():
        write("slot_widgets", name, text)
    dictionary("slot_widgets", ["toggle\t", "badge\t", "text\t", "link\t", "/modules/wishlist/", "/modules/fuzz-probe/",
                                "..", "%2e", "%2f", "%5c", "//", "\\", "?", "#", "<", ">", "\t", "\n"])


if __name__ == "__main__":
    manifests(); components(); sql(); ssrf(); email(); jwt(); headers(); widgets()
    for target in sorted(os.listdir(SEEDS)):
        print(f"{target}: {len(os.listdir(os.path.join(SEEDS, target)))} seeds")
