//! GraphQL multipart requests (the file upload spec: `operations`, then `map`, then the files),
//! read with bounds on every part before anything is spooled. async-graphql's own reader gives
//! `operations` the file size limit (25 MiB of JSON, for any operation, anonymous included) and
//! leaves the number of `map` paths unbounded, each holding a file descriptor.

use std::collections::HashMap;

use async_graphql::{BatchRequest, UploadValue};
use axum::body::Body;
use futures_util::StreamExt;
use multer::{Constraints, Multipart, SizeLimit};
use tokio::io::AsyncWriteExt;

/// The bounds of one multipart request.
#[derive(Clone, Copy, Debug)]
pub struct MultipartLimits {
    /// `operations` and `map`: the JSON body limit.
    pub json_bytes: usize,
    /// Each file.
    pub file_bytes: usize,
    /// Files in one request.
    pub files: usize,
    /// Places in the operations one file may fill.
    pub paths_per_file: usize,
}

/// Why a multipart request is refused: too large (413) or malformed or over a count (400).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooLarge(String),
    Bad(String),
}

pub async fn receive(
    content_type: &str,
    body: Body,
    limits: MultipartLimits,
) -> Result<BatchRequest, Refused> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| Refused::Bad(format!("the multipart content type is invalid: {e}")))?;
    let whole = limits
        .file_bytes
        .saturating_mul(limits.files)
        .saturating_add(limits.json_bytes.saturating_mul(2))
        // Room for the parts' own headers and boundaries.
        .saturating_add(64 * 1024);
    let constraints = Constraints::new().size_limit(
        SizeLimit::new()
            .whole_stream(whole as u64)
            .for_field("operations", limits.json_bytes as u64)
            .for_field("map", limits.json_bytes as u64)
            .per_field(limits.file_bytes as u64),
    );
    let mut multipart = Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut batch: Option<BatchRequest> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files = 0_usize;
    while let Some(mut field) = multipart.next_field().await.map_err(refusal)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "operations" => {
                let bytes = field.bytes().await.map_err(refusal)?;
                batch = Some(serde_json::from_slice(&bytes).map_err(|e| {
                    Refused::Bad(format!("the operations part is not a GraphQL request: {e}"))
                })?);
            }
            "map" => {
                if batch.is_none() {
                    return Err(Refused::Bad("the operations part must come first".into()));
                }
                let bytes = field.bytes().await.map_err(refusal)?;
                let parsed: HashMap<String, Vec<String>> =
                    serde_json::from_slice(&bytes).map_err(|e| {
                        Refused::Bad(format!("the map part is not an object of path lists: {e}"))
                    })?;
                if parsed.len() > limits.files {
                    return Err(Refused::Bad(format!(
                        "a request carries at most {} files (limits.upload_files)",
                        limits.files
                    )));
                }
                if parsed
                    .values()
                    .any(|paths| paths.len() > limits.paths_per_file)
                {
                    return Err(Refused::Bad(format!(
                        "a file fills at most {} places (limits.upload_paths_per_file)",
                        limits.paths_per_file
                    )));
                }
                map = Some(parsed);
            }
            _ => {
                let (Some(request), Some(map)) = (batch.as_mut(), map.as_mut()) else {
                    return Err(Refused::Bad(
                        "files come after the operations and map parts".into(),
                    ));
                };
                let Some(paths) = map.remove(&name) else {
                    return Err(Refused::Bad(format!(
                        "the part {name:?} is not named in the map"
                    )));
                };
                files += 1;
                if files > limits.files {
                    return Err(Refused::Bad(format!(
                        "a request carries at most {} files (limits.upload_files)",
                        limits.files
                    )));
                }
                let filename = field.file_name().unwrap_or(&name).to_owned();
                let content_type = field.content_type().map(ToString::to_string);
                let spooled = tempfile::tempfile()
                    .map_err(|e| Refused::Bad(format!("cannot spool the upload: {e}")))?;
                let mut file = tokio::fs::File::from_std(spooled);
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(refusal)?;
                    file.write_all(&chunk)
                        .await
                        .map_err(|e| Refused::Bad(format!("cannot spool the upload: {e}")))?;
                }
                file.flush()
                    .await
                    .map_err(|e| Refused::Bad(format!("cannot spool the upload: {e}")))?;
                let upload = UploadValue {
                    filename,
                    content_type,
                    content: file.into_std().await,
                };
                for path in paths {
                    let copy = upload
                        .try_clone()
                        .map_err(|e| Refused::Bad(format!("cannot spool the upload: {e}")))?;
                    set_upload(request, &path, copy);
                }
            }
        }
    }
    let batch = batch.ok_or_else(|| Refused::Bad("the operations part is missing".into()))?;
    let map = map.ok_or_else(|| Refused::Bad("the map part is missing".into()))?;
    if let Some(missing) = map.keys().next() {
        return Err(Refused::Bad(format!(
            "the file {missing:?} named in the map is missing"
        )));
    }
    Ok(batch)
}

/// Puts the file where the map says; in a batch the path starts with the operation's index.
fn set_upload(batch: &mut BatchRequest, path: &str, upload: UploadValue) {
    match batch {
        BatchRequest::Single(request) => request.set_upload(path, upload),
        BatchRequest::Batch(requests) => {
            if let Some((index, rest)) = path.split_once('.')
                && let Ok(index) = index.parse::<usize>()
                && let Some(request) = requests.get_mut(index)
            {
                request.set_upload(rest, upload);
            }
        }
    }
}

fn refusal(e: multer::Error) -> Refused {
    match e {
        multer::Error::FieldSizeExceeded { limit, field_name } => Refused::TooLarge(format!(
            "the part {} is larger than {limit} bytes",
            field_name.unwrap_or_default()
        )),
        multer::Error::StreamSizeExceeded { limit } => {
            Refused::TooLarge(format!("the request body is larger than {limit} bytes"))
        }
        other => Refused::Bad(format!(
            "the request is not a complete GraphQL multipart request: {other}"
        )),
    }
}
