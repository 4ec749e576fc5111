//! The pages' style sheet and script, compiled into the binary and served under names that
//! carry a hash of their content, so a browser may keep them for a year: a new version has a
//! new name.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::WebState;

struct Asset {
    name: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// The embedded assets under their hashed names.
pub struct Assets {
    files: Vec<Asset>,
}

impl std::fmt::Debug for Assets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.files.iter().map(|a| &a.name))
            .finish()
    }
}

const SOURCES: [(&str, &str, &str, &[u8]); 2] = [
    (
        "commons",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/commons.css"),
    ),
    (
        "commons",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/commons.js"),
    ),
];

impl Assets {
    pub fn embedded() -> Self {
        let files = SOURCES
            .iter()
            .map(|(stem, ext, content_type, bytes)| {
                let digest = Sha256::digest(bytes);
                let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
                Asset {
                    name: format!("{stem}.{hash}.{ext}"),
                    content_type,
                    bytes,
                }
            })
            .collect();
        Self { files }
    }

    /// The address of the asset whose name ends in `.ext` (`css`, `js`).
    pub fn url(&self, ext: &str) -> String {
        self.files
            .iter()
            .find(|a| a.name.ends_with(&format!(".{ext}")))
            .map_or_else(String::new, |a| format!("/assets/{}", a.name))
    }
}

pub async fn serve(State(state): State<WebState>, Path(name): Path<String>) -> Response {
    let Some(asset) = state.web.assets.files.iter().find(|a| a.name == name) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}
