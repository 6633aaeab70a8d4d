//! Atomic file replacement: write a temp file in the same folder, fsync it, rename it over the target,
//! fsync the folder. A crash or failure at any point leaves either the old file or the new one, never a mix.

use super::error::FileError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A temp file of a process whose liveness cannot be checked counts as stale after this long.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_with_hook(path, bytes, |_| Ok(()))
}

/// As [`write_atomic`], but the file is readable and writable by its owner only (mode 0600 on Unix) from the
/// moment it exists: the temp file is created with that mode, so no other user can open it even before the
/// rename. For copies of unsaved work (the recovery file, autosaves).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_inner(path, bytes, Access::OwnerOnly, |_| Ok(()))
}

/// Who may read the written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// The platform default (the umask on Unix).
    Default,
    /// The owner only (0600 on Unix).
    OwnerOnly,
}

fn create_file(path: &Path, access: Access) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if access == Access::OwnerOnly {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let f = options.open(path)?;
        // The mode given at creation is reduced by the umask but never widened; a leftover temp file of the
        // same name keeps its mode, so set it explicitly.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        return Ok(f);
    }
    #[cfg(not(unix))]
    let _ = access;
    options.open(path)
}

/// As [`write_atomic`], calling `before_rename` with the temp file's path once it is written and synced.
/// Tests use the hook to inject a failure between the write and the rename.
pub fn write_atomic_with_hook(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FileError> {
    write_atomic_inner(path, bytes, Access::Default, before_rename)
}

fn write_atomic_inner(
    path: &Path,
    bytes: &[u8],
    access: Access,
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let err = |source| FileError::Write { path: path.to_owned(), source };
    if path.is_dir() {
        return Err(FileError::IsDirectory { path: path.to_owned() });
    }
    let tmp = temp_path(path);
    remove_stale_temp_files(path);
    let result = (|| {
        let mut f = create_file(&tmp, access)?;
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

/// Best effort: removes `.NAME.tmp-PID` siblings of `path` left behind by a process that crashed or was
/// killed between writing its temp file and renaming it. Only files with exactly that name pattern (a numeric
/// pid) are touched, never our own pid's, and never one of a process that is still running (checked through
/// `/proc` where there is one; elsewhere a temp file counts as stale once it is [`STALE_AFTER`] old). Errors
/// are ignored.
pub fn remove_stale_temp_files(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let prefix = format!(".{name}.tmp-");
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let own_pid = std::process::id();
    let has_proc = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let Some(pid) = file_name.strip_prefix(&prefix) else { continue };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid == own_pid {
            continue;
        }
        // Only plain files (a symlink is not followed, and not removed either).
        let Ok(kind) = entry.file_type() else { continue };
        if !kind.is_file() {
            continue;
        }
        let stale = if has_proc {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| SystemTime::now().duration_since(modified).ok())
                .is_some_and(|age| age >= STALE_AFTER)
        };
        let candidate = entry.path();
        if stale && candidate != path {
            let _ = std::fs::remove_file(candidate);
        }
    }
}
