//! Atomic file replacement: write a temp file in the same folder, fsync it, rename it over the target,
//! fsync the folder. A crash or failure at any point leaves either the old file or the new one, never a mix.

use super::error::FileError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_with_hook(path, bytes, |_| Ok(()))
}

/// As [`write_atomic`], calling `before_rename` with the temp file's path once it is written and synced.
/// Tests use the hook to inject a failure between the write and the rename.
pub fn write_atomic_with_hook(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let err = |source| FileError::Write { path: path.to_owned(), source };
    if path.is_dir() {
        return Err(FileError::IsDirectory { path: path.to_owned() });
    }
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        before_rename(&tmp)?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename itself durable; not every platform lets a folder be opened, so ignore failure.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// The temp file used for `path`: hidden, in the same folder (so rename stays on one file system).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "plan".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}
