//! What a plan file held when it was opened or last saved (size, modification time, SHA-256 of the content), and
//! whether it has changed on disk since. The check is cheap: a `stat` first, and the content is read and hashed
//! only when size or modification time differ (a touched but unchanged file is not a change).

use super::error::{FileError, read_file};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// A file's size, modification time and content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    /// Nanoseconds since the Unix epoch (0 when the platform does not say).
    pub modified_ns: u128,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// Whether a file is still what a [`FileStamp`] recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskState {
    Unchanged,
    /// The content differs; the new stamp.
    Changed(FileStamp),
    /// The file is gone.
    Missing,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn modified_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos()).unwrap_or(0)
}

impl FileStamp {
    /// The stamp of `bytes`, just read from or written to `path`.
    pub fn of(path: &Path, bytes: &[u8]) -> Result<Self, FileError> {
        let meta = std::fs::metadata(path).map_err(|source| FileError::Read { path: path.to_owned(), source })?;
        Ok(Self { size: meta.len(), modified_ns: modified_ns(&meta), sha256: sha256_hex(bytes) })
    }

    /// Reads the file and stamps what was read.
    pub fn read(path: &Path) -> Result<(Self, Vec<u8>), FileError> {
        let bytes = read_file(path)?;
        Ok((Self::of(path, &bytes)?, bytes))
    }

    /// The modification time as a system time (for messages).
    pub fn modified(&self) -> Option<SystemTime> {
        u64::try_from(self.modified_ns).ok().map(|ns| UNIX_EPOCH + std::time::Duration::from_nanos(ns))
    }

    /// Compares the file now with this stamp: `stat` only, unless size or time changed.
    pub fn check(&self, path: &Path) -> Result<DiskState, FileError> {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DiskState::Missing),
            Err(source) => return Err(FileError::Read { path: path.to_owned(), source }),
        };
        if meta.len() == self.size && modified_ns(&meta) == self.modified_ns {
            return Ok(DiskState::Unchanged);
        }
        let (now, _) = Self::read(path)?;
        Ok(if now.sha256 == self.sha256 { DiskState::Unchanged } else { DiskState::Changed(now) })
    }

    /// As [`FileStamp::check`], but always reads and hashes (before a save: a file system with coarse times could
    /// keep size and time across a quick rewrite).
    pub fn check_content(&self, path: &Path) -> Result<DiskState, FileError> {
        if !path.exists() {
            return Ok(DiskState::Missing);
        }
        let (now, _) = Self::read(path)?;
        Ok(if now.sha256 == self.sha256 { DiskState::Unchanged } else { DiskState::Changed(now) })
    }

    /// The same content with the file's size and time now (a touched file whose content did not change).
    pub fn restat(&self, path: &Path) -> Self {
        match std::fs::metadata(path) {
            Ok(m) => Self { size: m.len(), modified_ns: modified_ns(&m), sha256: self.sha256.clone() },
            Err(_) => self.clone(),
        }
    }

    /// True when the stat of the file now matches this stamp (no hashing).
    pub fn same_stat(&self, path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.len() == self.size && modified_ns(&m) == self.modified_ns)
    }
}
