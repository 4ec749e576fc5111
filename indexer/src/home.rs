//! Where the index lives: generations under one folder, the active one named by the
//! `current` link. A rebuild fills a new generation and swaps the link atomically, so readers
//! never see a half-built index; a server notices the swap and reopens.

use std::path::{Path, PathBuf};

use crate::search::ToolIndex;
use crate::{IndexError, Result};

const CURRENT: &str = "current";

pub struct IndexHome {
    root: PathBuf,
}

/// An index ready for use, and whether it starts empty and needs filling from the database.
pub struct Opened {
    pub index: ToolIndex,
    /// Why a new index was made (missing, unreadable, another schema); `None` if it was opened.
    pub rebuilt_because: Option<String>,
}

impl IndexHome {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The generation the `current` link names.
    pub fn active(&self) -> Option<PathBuf> {
        std::fs::read_link(self.root.join(CURRENT))
            .ok()
            .map(|target| self.root.join(target))
    }

    /// Opens the active generation. A missing, unreadable or other-schema index is replaced
    /// by a new empty one, which the caller fills.
    pub fn open(&self) -> Result<Opened> {
        std::fs::create_dir_all(&self.root)?;
        let problem = match self.active() {
            None => "there was no index".to_owned(),
            Some(dir) => match ToolIndex::open_in(&dir) {
                Ok(index) if index.cursor().is_ok() => {
                    return Ok(Opened {
                        index,
                        rebuilt_because: None,
                    });
                }
                Ok(_) => "its commit payload was unreadable".to_owned(),
                Err(e) => e.to_string(),
            },
        };
        let index = self.new_generation()?;
        self.activate(index.dir())?;
        Ok(Opened {
            index,
            rebuilt_because: Some(problem),
        })
    }

    /// Opens a generation that another process built, as it stands: complete and committed,
    /// or an error (never a new empty index in its place). A server that cannot open it yet —
    /// the process that built it may still hold its writer — keeps serving the one it has.
    pub fn open_generation(&self, dir: &Path) -> Result<ToolIndex> {
        let index = ToolIndex::open_in(dir)?;
        match index.cursor()? {
            Some(_) => Ok(index),
            None => Err(IndexError::Invalid(format!(
                "{} holds no committed index yet",
                dir.display()
            ))),
        }
    }

    /// A new empty generation, not yet active.
    pub fn new_generation(&self) -> Result<ToolIndex> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| IndexError::Invalid(e.to_string()))?
            .as_nanos();
        ToolIndex::create_in(&self.root.join(format!("gen-{stamp}")))
    }

    /// Points `current` at `dir` in one rename, then removes generations that are neither
    /// active nor the one just replaced (a server may still be reading that one).
    pub fn activate(&self, dir: &Path) -> Result<()> {
        let name = dir
            .file_name()
            .ok_or_else(|| IndexError::Invalid(format!("{} is not a generation", dir.display())))?;
        let previous = self.active();
        let tmp = self.root.join(format!("{CURRENT}.tmp"));
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(name, &tmp)?;
        std::fs::rename(&tmp, self.root.join(CURRENT))?;
        for entry in std::fs::read_dir(&self.root)?.flatten() {
            let path = entry.path();
            let is_generation = entry.file_name().to_string_lossy().starts_with("gen-");
            let keep = path == dir || previous.as_deref() == Some(path.as_path());
            if is_generation && !keep {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
        Ok(())
    }
}
