//! Backup and restore of the embedded default (SQLite and the local object folder), for
//! `commons backup PATH` and `commons restore PATH`.
//!
//! A backup is a folder: `commons.db`, a consistent copy of the database taken while the
//! service runs (SQLite's `VACUUM INTO`, which reads one snapshot in a single read transaction
//! beside the writers, as the online backup API does, and writes a compacted file); `objects/`,
//! the stored files; the generated signing secret when there is one; and `manifest.json`,
//! written last, so that a backup cut off halfway is never taken for a whole one. The database
//! is copied first: a file is stored before the row that names it commits, so every file the
//! copied database names is already in the folder when the objects are copied after it. The
//! search index is not kept: `restore` rebuilds it from the database.
//!
//! PostgreSQL and object stores have their own tools (`pg_dump`, bucket versioning): the
//! docs/operations.md names them, and these commands refuse them with that advice.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;

pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "commons/backup/v1";
const DATABASE_FILE: &str = "commons.db";
const OBJECTS_DIR: &str = commons_service::files::LOCAL_FOLDER;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub database_bytes: u64,
    pub database_sha256: String,
    /// `None` when the files live in an object store, which keeps them itself.
    pub objects: Option<ObjectCount>,
    pub secret: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ObjectCount {
    pub files: u64,
    pub bytes: u64,
}

/// Writes a backup of the service `config` describes into `target`, a folder that does not
/// exist yet or is empty. The service may be running and writing meanwhile.
pub async fn backup(config: &Config, target: &Path) -> anyhow::Result<Manifest> {
    embedded_only(config, "backup")?;
    if target.exists() && fs::read_dir(target)?.next().is_some() {
        bail!(
            "{} is not empty: a backup goes into a new folder",
            target.display()
        );
    }
    // Read only, and only a database that is there: pointed at the wrong folder, a backup
    // must fail, not copy an empty database it created.
    let source = sqlite_file(config)?;
    if !source.is_file() {
        bail!(
            "no database at {}: is the data folder right?",
            source.display()
        );
    }
    fs::create_dir_all(target).with_context(|| format!("cannot create {}", target.display()))?;
    let target = target.canonicalize()?;
    let database = target.join(DATABASE_FILE);
    let db = commons_service::database::connect(
        &format!("sqlite://{}?mode=ro", source.display()),
        1,
        Duration::from_millis(config.database_acquire_timeout_ms),
    )
    .await
    .context("cannot open the database")?;
    if !commons_service::database::is_commons_database(&db)
        .await
        .context("cannot read the database")?
    {
        bail!("{} is not a Commons database", source.display());
    }
    let into = database
        .to_str()
        .context("the backup folder's path is not UTF-8")?;
    commons_service::database::sqlite_snapshot_into(&db, into)
        .await
        .context("cannot copy the database")?;
    db.close().await.ok();
    // SQLite does not sync what VACUUM INTO writes.
    fs::File::open(&database)?.sync_all()?;
    let (database_bytes, database_sha256) = digest_of(&database)?;
    let objects = match &config.storage.url {
        Some(_) => None,
        None => Some(copy_objects(
            &config.data_dir.join(OBJECTS_DIR),
            &target.join(OBJECTS_DIR),
            true,
        )?),
    };
    let secret_file = config.data_dir.join(crate::auth::SECRET_FILE);
    let secret = secret_file.exists();
    if secret {
        copy_private(&secret_file, &target.join(crate::auth::SECRET_FILE))?;
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        created_at: chrono::Utc::now(),
        database_bytes,
        database_sha256,
        objects,
        secret,
    };
    // Everything above is on disk, names included, before the manifest says it is whole.
    sync_folder(&target)?;
    write_synced(
        &target.join(MANIFEST),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    sync_folder(&target)?;
    Ok(manifest)
}

/// Restores the backup in `source` into the data folder `config` describes, which must hold no
/// database and no files yet, then rebuilds the search index from the restored database.
pub async fn restore(config: &Config, source: &Path) -> anyhow::Result<Manifest> {
    embedded_only(config, "restore")?;
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(source.join(MANIFEST)).with_context(|| {
            format!("{} holds no whole backup (no {MANIFEST})", source.display())
        })?)
        .context("the backup's manifest cannot be read")?;
    if manifest.format != FORMAT {
        bail!("the backup is in format {}, not {FORMAT}", manifest.format);
    }
    let (bytes, sha256) = digest_of(&source.join(DATABASE_FILE))?;
    if (bytes, sha256.as_str()) != (manifest.database_bytes, manifest.database_sha256.as_str()) {
        bail!(
            "the backup's database is not the one its manifest describes: it was altered or cut short"
        );
    }
    let database = sqlite_file(config)?;
    // A database left behind, or its write-ahead log (which SQLite would replay onto the
    // restored file), or files, or a secret: not an empty data folder.
    let mut leftovers: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", database.display())))
        .filter(|p| p.exists())
        .collect();
    let objects_dir = config.data_dir.join(OBJECTS_DIR);
    if objects_dir.exists() && fs::read_dir(&objects_dir)?.next().is_some() {
        leftovers.push(objects_dir.clone());
    }
    let secret_file = config.data_dir.join(crate::auth::SECRET_FILE);
    if manifest.secret && secret_file.exists() {
        leftovers.push(secret_file.clone());
    }
    if !leftovers.is_empty() {
        let named: Vec<String> = leftovers.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "restore into an empty data folder; this one holds {} (move them aside first)",
            named.join(", ")
        );
    }
    fs::create_dir_all(&config.data_dir)?;
    if let Some(parent) = database.parent() {
        fs::create_dir_all(parent)?;
    }
    // Into place under other names first, checked, then renamed: a restore cut off or refused
    // leaves nothing that looks like a data folder, and can simply be run again.
    let partial = database.with_extension("db-restoring");
    let partial_objects = config.data_dir.join(format!("{OBJECTS_DIR}-restoring"));
    let _ = fs::remove_file(&partial);
    let _ = fs::remove_dir_all(&partial_objects);
    if let Err(e) = place(&manifest, source, &partial, &partial_objects) {
        let _ = fs::remove_file(&partial);
        let _ = fs::remove_dir_all(&partial_objects);
        return Err(e);
    }
    if manifest.secret {
        copy_private(&source.join(crate::auth::SECRET_FILE), &secret_file)?;
    }
    if partial_objects.exists() {
        if objects_dir.exists() {
            fs::remove_dir(&objects_dir)?;
        }
        fs::rename(&partial_objects, &objects_dir)?;
    }
    fs::rename(&partial, &database)?;
    sync_folder(&config.data_dir)?;
    // A fresh index: opening an empty one builds it from the database (and migrates a
    // database backed up by an older version on the way).
    let index_dir = config.index_dir();
    if index_dir.exists() {
        fs::remove_dir_all(&index_dir)?;
    }
    crate::app::open_services(config).await?;
    Ok(manifest)
}

/// The backup's database and files copied to their temporary places, each file checked
/// against its SHA-256 name and the whole against the manifest.
fn place(
    manifest: &Manifest,
    source: &Path,
    database: &Path,
    objects: &Path,
) -> anyhow::Result<()> {
    fs::copy(source.join(DATABASE_FILE), database)?;
    fs::File::open(database)?.sync_all()?;
    let (bytes, sha256) = digest_of(database)?;
    if (bytes, sha256.as_str()) != (manifest.database_bytes, manifest.database_sha256.as_str()) {
        bail!("the database changed while it was copied");
    }
    if let Some(expected) = &manifest.objects {
        let copied = copy_objects(&source.join(OBJECTS_DIR), objects, true)?;
        if (copied.files, copied.bytes) != (expected.files, expected.bytes) {
            bail!(
                "the backup holds {} files ({} bytes), its manifest {} ({} bytes)",
                copied.files,
                copied.bytes,
                expected.files,
                expected.bytes
            );
        }
    }
    Ok(())
}

fn embedded_only(config: &Config, what: &str) -> anyhow::Result<()> {
    if !config.is_sqlite() {
        bail!(
            "commons {what} covers the embedded default (SQLite); on PostgreSQL use pg_dump / \
             pg_restore, and the object store's versioning for files (see docs/operations.md, \
             \"Backup and restore\")"
        );
    }
    Ok(())
}

/// The SQLite file the database URL names.
fn sqlite_file(config: &Config) -> anyhow::Result<PathBuf> {
    let url = config.database_url();
    let url = url.expose_secret();
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a SQLite database URL")?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        bail!("the database is in memory: there is nothing to restore it into");
    }
    Ok(PathBuf::from(path))
}

/// Copies the stored files (named by their SHA-256) from `from` into `to`, keeping their
/// places; with `check`, each file's content must match its name. A staging file of a write in
/// progress is not a stored file and is left behind.
fn copy_objects(from: &Path, to: &Path, check: bool) -> anyhow::Result<ObjectCount> {
    let mut count = ObjectCount::default();
    fs::create_dir_all(to)?;
    if !from.exists() {
        return Ok(count);
    }
    let mut folders = vec![PathBuf::new()];
    while let Some(relative) = folders.pop() {
        for entry in fs::read_dir(from.join(&relative))? {
            let entry = entry?;
            let name = entry.file_name();
            let kind = entry.file_type()?;
            let path = relative.join(&name);
            if kind.is_dir() {
                fs::create_dir_all(to.join(&path))?;
                folders.push(path);
                continue;
            }
            let Some(name) = name.to_str().filter(|n| is_object_name(n)) else {
                continue;
            };
            if check {
                let (_, sha256) = digest_of(&entry.path())?;
                if sha256 != name {
                    bail!(
                        "the stored file {} does not hold what its name says",
                        path.display()
                    );
                }
            }
            count.bytes += fs::copy(entry.path(), to.join(&path))?;
            fs::File::open(to.join(&path))?.sync_all()?;
            count.files += 1;
        }
    }
    Ok(count)
}

fn is_object_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn digest_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file =
        fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok((bytes, format!("{:x}", hasher.finalize())))
}

/// Copies a secret, readable by its owner only.
fn copy_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let content = fs::read(from)?;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)?;
    file.write_all(&content)?;
    file.sync_all()?;
    Ok(())
}

/// Makes a folder's entries (new and renamed files) durable.
fn sync_folder(path: &Path) -> anyhow::Result<()> {
    fs::File::open(path)?.sync_all()?;
    Ok(())
}

fn write_synced(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(content)?;
    file.sync_all()?;
    Ok(())
}
