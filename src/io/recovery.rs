//! What the recovery file records besides the unsaved plan: which plan file it belongs to, when it was written,
//! and the stamp of that file as it was opened or last saved (the base of the unsaved work). The base plan itself
//! is kept next to it ([`base_path`]), so that after *Recover* the next save can check the file and merge.
//!
//! The record is the `borderplan.recovery` member of the recovery file (a plan file like any other).

use super::disk::FileStamp;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The member of the plan header that holds the record.
pub const MEMBER: &str = "recovery";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecoveryInfo {
    /// The plan file the unsaved work belongs to (none for a plan never saved).
    #[serde(default)]
    pub plan_path: Option<PathBuf>,
    /// When the autosave was written (ISO 8601, UTC).
    #[serde(default)]
    pub autosaved_at: String,
    /// The plan file as it was opened or last saved.
    #[serde(default)]
    pub base_stamp: Option<FileStamp>,
}

#[derive(Deserialize)]
struct Head {
    borderplan: Header,
}

#[derive(Deserialize)]
struct Header {
    recovery: Option<RecoveryInfo>,
}

/// Reads only the record of a recovery file (the features are skipped); `None` when it has none or cannot be read.
pub fn read_info(path: &Path) -> Option<RecoveryInfo> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice::<Head>(&bytes).ok()?.borderplan.recovery
}

/// Where the base plan of a recovery file is kept.
pub fn base_path(recovery: &Path) -> PathBuf {
    let name = recovery.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "recovery".into());
    recovery.with_file_name(format!("{}.base", name))
}
