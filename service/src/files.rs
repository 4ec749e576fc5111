//! The object store behind attachments: a folder of the data directory by default, or S3, Azure
//! Blob Storage or Google Cloud Storage named by URL. Objects are keyed by the SHA-256 of their
//! content (`ab/abcdef…`), so the same content is stored once. Every call is bounded by a
//! timeout: an unreachable store is an error, never a hung request.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use secrecy::ExposeSecret;
use tokio::io::AsyncReadExt;

use secrecy::SecretString;
use serde::Deserialize;

/// Parts of a large upload; S3 wants at least 5 MiB for all but the last.
const PART_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The store did not answer in time or could not be reached.
    #[error("file storage unavailable: {0}")]
    Unavailable(String),
    #[error("no such object")]
    NotFound,
    #[error("file storage error: {0}")]
    Failed(String),
}

impl From<object_store::Error> for FilesError {
    fn from(e: object_store::Error) -> Self {
        use object_store::client::{HttpError, HttpErrorKind};
        if let object_store::Error::NotFound { .. } = e {
            return FilesError::NotFound;
        }
        // The store could not be reached (after the client's own retries): say so, apart from
        // a store that answered with an error.
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(err) = source {
            if let Some(http) = err.downcast_ref::<HttpError>()
                && matches!(
                    http.kind(),
                    HttpErrorKind::Connect
                        | HttpErrorKind::Timeout
                        | HttpErrorKind::Interrupted
                        | HttpErrorKind::Request
                )
            {
                return FilesError::Unavailable(e.to_string());
            }
            source = err.source();
        }
        FilesError::Failed(e.to_string())
    }
}

impl From<std::io::Error> for FilesError {
    fn from(e: std::io::Error) -> Self {
        FilesError::Failed(e.to_string())
    }
}

pub type FilesResult<T> = Result<T, FilesError>;

/// A stored object, as listed.
#[derive(Clone, Debug)]
pub struct StoredObject {
    pub sha256: String,
    pub last_modified: DateTime<Utc>,
}

/// A download: the object's size and the bytes asked for, as a stream.
pub struct Download {
    pub size: u64,
    pub range: std::ops::Range<u64>,
    pub body: BoxStream<'static, FilesResult<Bytes>>,
}

pub struct Files {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    /// The folder of the local store, whose writes are made durable here (object_store does
    /// not fsync).
    local_root: Option<PathBuf>,
    timeout: Duration,
    description: String,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// Credentials and settings from the standard environment variables, as the builders' own
/// `from_env` would read them, then the configured options on top.
fn store_options(config: &StorageConfig) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("AWS_") || k.starts_with("AZURE_") || k.starts_with("GOOGLE_")
        })
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    let timeout = format!("{}ms", config.timeout_ms);
    options.push(("timeout".into(), timeout.clone()));
    options.push(("connect_timeout".into(), timeout));
    options.extend(
        config
            .options
            .iter()
            .map(|(k, v)| (k.clone(), v.expose_secret().to_owned())),
    );
    options
}

/// The folder of the data directory that holds the files when no object store is named.
pub const LOCAL_FOLDER: &str = "objects";

impl Files {
    pub fn open(config: &StorageConfig, data_dir: &FsPath) -> FilesResult<Self> {
        let timeout = Duration::from_millis(config.timeout_ms);
        match &config.url {
            None => {
                let root = data_dir.join(LOCAL_FOLDER);
                std::fs::create_dir_all(&root)?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(&root)?;
                Ok(Self {
                    store: Arc::new(store),
                    prefix: Path::default(),
                    description: format!("local folder {}", root.display()),
                    local_root: Some(root),
                    timeout,
                })
            }
            Some(raw) => {
                let url = url::Url::parse(raw)
                    .map_err(|e| FilesError::Failed(format!("storage.url {raw}: {e}")))?;
                let (store, prefix) = object_store::parse_url_opts(&url, store_options(config))?;
                Ok(Self {
                    store: Arc::from(store),
                    prefix,
                    description: format!("object store {}", url.as_str()),
                    local_root: None,
                    timeout,
                })
            }
        }
    }

    fn location(&self, sha256: &str) -> Path {
        let shard = sha256.get(..2).unwrap_or("00");
        self.prefix.clone().join(shard).join(sha256)
    }

    async fn bounded<T>(
        &self,
        what: &str,
        call: impl Future<Output = FilesResult<T>>,
    ) -> FilesResult<T> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(FilesError::Unavailable(format!(
                "{what} took longer than {} ms",
                self.timeout.as_millis()
            ))),
        }
    }

    pub async fn contains(&self, sha256: &str) -> FilesResult<bool> {
        let location = self.location(sha256);
        self.bounded("a lookup", async {
            match self.store.head(&location).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Stores the content of `file` (read from its start) under its hash, in parts when large.
    pub async fn put_file(
        &self,
        sha256: &str,
        mut file: tokio::fs::File,
        size: u64,
    ) -> FilesResult<()> {
        let location = self.location(sha256);
        self.bounded("storing a file", async {
            if size as usize <= PART_BYTES {
                let mut content = Vec::with_capacity(size as usize);
                file.read_to_end(&mut content).await?;
                self.store.put(&location, PutPayload::from(content)).await?;
            } else {
                let upload = self.store.put_multipart(&location).await?;
                let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
                let mut buffer = vec![0_u8; 1024 * 1024];
                loop {
                    let n = match file.read(&mut buffer).await {
                        Ok(n) => n,
                        Err(e) => {
                            let _ = writer.abort().await;
                            return Err(e.into());
                        }
                    };
                    if n == 0 {
                        break;
                    }
                    writer.wait_for_capacity(4).await?;
                    writer.write(&buffer[..n]);
                }
                writer.finish().await?;
            }
            Ok(())
        })
        .await?;
        self.make_durable(&location).await
    }

    /// On the local folder: flushes the file and the directory entries that name it, so that
    /// an acknowledged upload survives a crash.
    async fn make_durable(&self, location: &Path) -> FilesResult<()> {
        let Some(root) = &self.local_root else {
            return Ok(());
        };
        let file = root.join(location.as_ref());
        let root = root.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::File::open(&file)?.sync_all()?;
            let mut dir = file.parent();
            while let Some(d) = dir {
                std::fs::File::open(d)?.sync_all()?;
                if d == root {
                    break;
                }
                dir = d.parent();
            }
            Ok(())
        })
        .await
        .map_err(|e| FilesError::Failed(e.to_string()))??;
        Ok(())
    }

    /// The object, or the bytes of `range` of it (end exclusive).
    pub async fn get(
        &self,
        sha256: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> FilesResult<Download> {
        let location = self.location(sha256);
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self
            .bounded("reading a file", async {
                Ok(self.store.get_opts(&location, options).await?)
            })
            .await?;
        Ok(Download {
            size: result.meta.size,
            range: result.range.clone(),
            body: result
                .into_stream()
                .map(|chunk| chunk.map_err(FilesError::from))
                .boxed(),
        })
    }

    /// The size of a stored object.
    pub async fn size(&self, sha256: &str) -> FilesResult<u64> {
        let location = self.location(sha256);
        self.bounded("a lookup", async {
            Ok(self.store.head(&location).await?.size)
        })
        .await
    }

    pub async fn delete(&self, sha256: &str) -> FilesResult<()> {
        let location = self.location(sha256);
        self.bounded("deleting a file", async {
            match self.store.delete(&location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Every object under the prefix, whatever the database says of it.
    pub async fn list(&self) -> FilesResult<Vec<StoredObject>> {
        let prefix = (!self.prefix.as_ref().is_empty()).then(|| self.prefix.clone());
        self.bounded("listing files", async {
            let mut out = Vec::new();
            let mut listing = self.store.list(prefix.as_ref());
            while let Some(meta) = listing.next().await {
                let meta = meta?;
                let Some(name) = meta.location.filename() else {
                    continue;
                };
                // Only what looks like our keys: staging files of an interrupted local write
                // are left to the store.
                if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                    out.push(StoredObject {
                        sha256: name.to_owned(),
                        last_modified: meta.last_modified,
                    });
                }
            }
            Ok(out)
        })
        .await
    }
}

/// Where attachments are kept: a folder of the data directory by default, or an object store
/// named by URL (`s3://bucket/prefix`, `az://container/prefix`, `gs://bucket/prefix`) with its
/// credentials from the standard environment variables (`AWS_…`, `AZURE_…`, `GOOGLE_…`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct StorageConfig {
    pub url: Option<String>,
    /// Settings for the store, as object_store names them (`aws_endpoint`, `aws_allow_http` …);
    /// they win over the environment. Secrets: they may hold keys, so none is ever printed.
    #[serde(deserialize_with = "options_as_text")]
    pub options: std::collections::BTreeMap<String, SecretString>,
    /// A call to the store that takes longer fails, rather than holding a request.
    pub timeout_ms: u64,
    /// An object no revision references is removed after this long.
    pub gc_grace_seconds: u64,
    /// How often unreferenced objects are looked for; 0 turns the sweep off.
    pub gc_interval_seconds: u64,
}

/// Object store settings as text, whatever they look like: the environment's
/// `COMMONS_STORAGE__OPTIONS__AWS_ALLOW_HTTP=true` arrives as a boolean, `…_PORT=9000` as a number.
fn options_as_text<'de, D>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<String, SecretString>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let raw: std::collections::BTreeMap<String, serde_json::Value> =
        Deserialize::deserialize(deserializer)?;
    raw.into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => {
                    return Err(D::Error::custom(format!(
                        "storage.options.{key} must be a single value"
                    )));
                }
            };
            Ok((key, SecretString::from(text)))
        })
        .collect()
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            url: None,
            options: std::collections::BTreeMap::new(),
            timeout_ms: 30_000,
            gc_grace_seconds: 24 * 3600,
            gc_interval_seconds: 3600,
        }
    }
}
