//! `GET /files/{id}`: an attachment streamed with its type, length, name and ETag (its SHA-256),
//! honouring `If-None-Match` and a single byte `Range`. Who may download is the tool's
//! visibility, decided by the attachments service; here is only HTTP.

use axum::body::Body;
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, IF_RANGE, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use commons_domain::attachment::Attachment;
use commons_service::files::Files;

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeAsked {
    /// No range, or one this server serves whole (several ranges, another unit, malformed).
    Whole,
    /// Bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// A range that lies outside the file.
    Unsatisfiable,
}

pub fn parse_range(header: Option<&str>, size: u64) -> RangeAsked {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAsked::Whole;
    };
    if spec.contains(',') {
        return RangeAsked::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsked::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    match (first.parse::<u64>().ok(), last.parse::<u64>().ok()) {
        // The last n bytes.
        (None, Some(n)) if first.is_empty() => {
            if n == 0 || size == 0 {
                RangeAsked::Unsatisfiable
            } else {
                RangeAsked::Part {
                    start: size.saturating_sub(n),
                    end: size - 1,
                }
            }
        }
        (Some(start), None) if last.is_empty() => {
            if start >= size {
                RangeAsked::Unsatisfiable
            } else {
                RangeAsked::Part {
                    start,
                    end: size - 1,
                }
            }
        }
        (Some(start), Some(end)) if start <= end => {
            if start >= size {
                RangeAsked::Unsatisfiable
            } else {
                RangeAsked::Part {
                    start,
                    end: end.min(size - 1),
                }
            }
        }
        _ => RangeAsked::Whole,
    }
}

/// Whether an `If-None-Match` list names this ETag (or `*`).
pub fn none_match(header: Option<&str>, etag: &str) -> bool {
    header.is_some_and(|h| {
        h.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag)
    })
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name.
pub fn disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn set(headers: &mut HeaderMap, name: axum::http::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// The response for a file the caller may download.
pub async fn respond(
    files: &Files,
    attachment: &Attachment,
    request: &HeaderMap,
) -> Result<Response, commons_service::files::FilesError> {
    let etag = format!("\"{}\"", attachment.sha256);
    let size = attachment.size_bytes.max(0) as u64;
    let header = |name| {
        request
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let mut response = if none_match(header(IF_NONE_MATCH), &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        // A range applies only to the version the client has (`If-Range`).
        let range_header = match header(IF_RANGE) {
            Some(tag) if tag.trim() != etag => None,
            _ => header(RANGE),
        };
        match parse_range(range_header, size) {
            RangeAsked::Unsatisfiable => {
                let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                set(r.headers_mut(), CONTENT_RANGE, &format!("bytes */{size}"));
                r
            }
            RangeAsked::Whole => {
                let download = files.get(&attachment.sha256, None).await?;
                let mut r = (
                    StatusCode::OK,
                    Body::from_stream(
                        download
                            .body
                            .map(|c| c.map_err(|e| std::io::Error::other(e.to_string()))),
                    ),
                )
                    .into_response();
                set(r.headers_mut(), CONTENT_LENGTH, &download.size.to_string());
                r
            }
            RangeAsked::Part { start, end } => {
                let download = files.get(&attachment.sha256, Some(start..end + 1)).await?;
                let mut r = (
                    StatusCode::PARTIAL_CONTENT,
                    Body::from_stream(
                        download
                            .body
                            .map(|c| c.map_err(|e| std::io::Error::other(e.to_string()))),
                    ),
                )
                    .into_response();
                let h = r.headers_mut();
                set(h, CONTENT_LENGTH, &(end + 1 - start).to_string());
                set(h, CONTENT_RANGE, &format!("bytes {start}-{end}/{size}"));
                r
            }
        }
    };
    let h = response.headers_mut();
    set(h, ETAG, &etag);
    set(h, CONTENT_TYPE, &attachment.media_type);
    set(h, CONTENT_DISPOSITION, &disposition(&attachment.file_name));
    set(h, ACCEPT_RANGES, "bytes");
    // Who may read a file depends on the caller: caches keep it to that caller, and check.
    set(h, CACHE_CONTROL, "private, no-cache");
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_are_read_as_the_rfc_says() {
        use RangeAsked::*;
        assert_eq!(parse_range(None, 100), Whole);
        assert_eq!(
            parse_range(Some("bytes=0-9"), 100),
            Part { start: 0, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=90-"), 100),
            Part { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range(Some("bytes=-10"), 100),
            Part { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range(Some("bytes=-500"), 100),
            Part { start: 0, end: 99 }
        );
        assert_eq!(
            parse_range(Some("bytes=50-500"), 100),
            Part { start: 50, end: 99 }
        );
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Whole);
        assert_eq!(parse_range(Some("items=0-1"), 100), Whole);
        assert_eq!(parse_range(Some("bytes=9-3"), 100), Whole);
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_star() {
        assert!(none_match(Some("\"a\", \"b\""), "\"b\""));
        assert!(none_match(Some("W/\"b\""), "\"b\""));
        assert!(none_match(Some("*"), "\"b\""));
        assert!(!none_match(Some("\"a\""), "\"b\""));
        assert!(!none_match(None, "\"b\""));
    }

    #[test]
    fn the_name_is_sent_in_ascii_and_exactly() {
        assert_eq!(
            disposition("Auto-évaluation.pdf"),
            "attachment; filename=\"Auto-_valuation.pdf\"; filename*=UTF-8''Auto-%C3%A9valuation.pdf"
        );
    }
}
