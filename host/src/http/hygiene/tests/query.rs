use crate::http::hygiene::query::credential_parameter;

#[test]
fn credential_parameters_are_found_in_any_spelling() {
    for (query, expected) in [
        ("access_token=abc", "accesstoken"),
        ("ACCESS_TOKEN=abc", "accesstoken"),
        ("accessToken=abc", "accesstoken"),
        ("access-token=abc", "accesstoken"),
        ("%61ccess_token=abc", "accesstoken"),
        ("access%5Ftoken=abc", "accesstoken"),
        ("sort=newest&token=abc", "token"),
        ("sort=newest;token=abc", "token"),
        ("token[]=abc", "token"),
        ("+token=abc", "token"),
        ("token", "token"),
        ("jwt=abc", "jwt"),
        ("id_token=abc", "idtoken"),
        ("refresh_token=abc", "refreshtoken"),
        ("api_key=abc", "apikey"),
        ("apikey=abc", "apikey"),
        ("X-API-Key=abc", "xapikey"),
        ("password=hunter2", "password"),
        ("session=abc", "session"),
        ("session_id=abc", "sessionid"),
        ("JSESSIONID=abc", "jsessionid"),
        ("client_secret=abc", "clientsecret"),
        ("auth=abc", "auth"),
    ] {
        assert_eq!(credential_parameter(query), Some(expected), "{query}");
    }
}

#[test]
fn ordinary_parameters_and_values_pass() {
    for query in [
        "",
        "sort=newest",
        "customer_id=cu-evil",
        "product=espresso-cup&note=token",
        "q=access_token",
        "page_token=abc",
        "next_token=abc",
        "tokens=3",
        "tokenizer=simple",
        "%zz=1",
        "%+1=2",
        "a=%",
    ] {
        assert_eq!(credential_parameter(query), None, "{query}");
    }
}
