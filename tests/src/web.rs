//! Helpers for the page tests over HTTP: cookies, the forms' tokens, signing in.

use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use reqwest::redirect::Policy;

use crate::TestApp;

/// A client that shows redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("a client")
}

pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// `name=value` of the cookie `name` a response sets.
pub fn cookie_pair(response: &reqwest::Response, name: &str) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next().map(str::to_owned))
}

/// The value of `<input … name="csrf" value="…">` in a page.
pub fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = page.find(marker).expect("a form with a token");
    let rest = &page[at + marker.len()..];
    rest[..rest.find('"').expect("a closed attribute")].to_owned()
}

/// A browser's session on the pages: its cookie and the token its forms carry.
pub struct WebSession {
    pub cookie: String,
    pub csrf: String,
}

/// Signs in through the development sign-in page as `role` of `organisation`.
pub async fn sign_in(app: &TestApp, organisation: &str, role: &str) -> WebSession {
    let http = client();
    let form = http
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .expect("the sign-in page");
    let csrf_cookie = cookie_pair(&form, "commons_csrf").expect("the form's token cookie");
    let token = csrf_of(&form.text().await.expect("a page"));
    let signed_in = http
        .post(format!("{}/sign-in", app.address))
        .header(COOKIE, &csrf_cookie)
        .form(&[
            ("organisation", organisation),
            ("role", role),
            ("csrf", &token),
        ])
        .send()
        .await
        .expect("a sign-in");
    assert_eq!(
        signed_in.status(),
        303,
        "signed in as {role} of {organisation}"
    );
    let cookie = cookie_pair(&signed_in, "commons_session").expect("a session cookie");
    let page = http
        .get(format!("{}/", app.address))
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("a page")
        .text()
        .await
        .expect("a page");
    WebSession {
        csrf: csrf_of(&page),
        cookie,
    }
}

/// A page as a browser with `cookie` asks for it (in `lang` when given): its status and HTML.
pub async fn page(app: &TestApp, cookie: &str, path: &str, lang: Option<&str>) -> (u16, String) {
    let mut request = client()
        .get(format!("{}{path}", app.address))
        .header(COOKIE, cookie);
    if let Some(lang) = lang {
        request = request.header(ACCEPT_LANGUAGE, lang);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a page"))
}

/// A form posted by the signed-in browser of `session`, its pages in `lang`; redirects shown,
/// not followed.
pub async fn post_form_as(
    app: &TestApp,
    session: &WebSession,
    lang: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client()
        .post(format!("{}{path}", app.address))
        .header(ACCEPT_LANGUAGE, lang)
        .header(COOKIE, &session.cookie)
        .form(fields)
        .send()
        .await
        .expect("the server answers")
}
