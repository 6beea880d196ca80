//! Credentials in the query string: refused, never passed on.
//!
//! A token in a URL ends up in browser history, proxy and server logs and
//! `Referer` headers, and a module that read `?access_token=` would trust a
//! credential the host never verified. The request is refused (400
//! `credential-in-query`) rather than the parameter stripped: stripping
//! would hide the client's mistake and silently change what the module
//! receives, while a refusal tells the client to send the credential in
//! `Authorization`.
//!
//! Names are compared as a module's query parser could read them: decoded
//! once (`%61ccess_token`, `+` as space), case-insensitively, ignoring
//! `-`, `_`, `.` and spaces (`accessToken`, `access-token`), and without an
//! array suffix (`token[]`).

/// Parameter names (normalised: lower case, no separators) that carry a
/// credential.
pub const CREDENTIAL_PARAMETERS: [&str; 28] = [
    "token",
    "accesstoken",
    "idtoken",
    "refreshtoken",
    "authtoken",
    "oauthtoken",
    "sessiontoken",
    "bearer",
    "bearertoken",
    "jwt",
    "apikey",
    "xapikey",
    "accesskey",
    "secretkey",
    "clientsecret",
    "secret",
    "password",
    "passwd",
    "pwd",
    "session",
    "sessionid",
    "sessid",
    "jsessionid",
    "phpsessid",
    "auth",
    "authorization",
    "credential",
    "credentials",
];

/// The first credential parameter of `query` (without the `?`), as its
/// normalised name from [`CREDENTIAL_PARAMETERS`].
pub fn credential_parameter(query: &str) -> Option<&'static str> {
    query
        .split(['&', ';'])
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .find_map(|name| {
            let name = normalised(name);
            CREDENTIAL_PARAMETERS
                .iter()
                .find(|known| **known == name)
                .copied()
        })
}

/// Decoded once, lower case, array suffix cut, separators removed.
fn normalised(raw: &str) -> String {
    let decoded = percent_decode(raw);
    let name = decoded.split('[').next().unwrap_or_default();
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `%XX` and `+` decoded as a form parser does; invalid escapes kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes[i] {
            b'%' => bytes
                .get(i + 1..i + 3)
                // `from_str_radix` alone would accept a sign (`%+1`).
                .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok()),
            _ => None,
        };
        match (bytes[i], escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (byte, None) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
