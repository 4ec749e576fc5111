//! GraphiQL, for people exploring the API with a token pasted in. Its scripts come from a CDN
//! at exact versions with Subresource Integrity, so a changed file is refused by the browser
//! rather than run on a page where bearer tokens are typed; the one script of our own is served
//! from the binary, and the Content-Security-Policy allows nothing else to run.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const PAGE: &str = include_str!("graphiql/page.html");
const START: &str = include_str!("graphiql/start.js");

/// Scripts and styles from the pinned packages only; requests to this server only.
const POLICY: &str = "default-src 'none'; \
    script-src 'self' https://unpkg.com/graphiql@4.1.2/ https://unpkg.com/react@18.3.1/ https://unpkg.com/react-dom@18.3.1/; \
    style-src 'self' 'unsafe-inline' https://unpkg.com/graphiql@4.1.2/; \
    font-src 'self' data:; img-src 'self' data:; connect-src 'self'; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/graphiql", get(page))
        .route("/graphiql/start.js", get(start))
}

async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        PAGE,
    )
}

async fn start() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        START,
    )
}
