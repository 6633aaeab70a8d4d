//! Every file borderplan writes goes through here: the write policy ([`WriteKind`]: a plan file is only ever
//! replaced by saving that plan) and the atomic replacement (a temp file beside the target, readable by the owner
//! only, fsynced, renamed over the target, the folder fsynced). A crash or failure at any point leaves either the
//! old file or the new one, never a mix; a failed write removes its temp file, and the temp files of processes
//! that died are removed by the next write to the same target and by [`remove_stale_temp_files_in`] at start-up.

use super::error::FileError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A temp file of a process whose liveness cannot be checked counts as stale after this long.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// How much of a file is read to tell whether it is a plan file (the plan writer puts its header first).
const PLAN_SNIFF_BYTES: u64 = 64 * 1024;

/// What a write is, for the write policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// Save or Save as of a plan, its recovery copy, and the plan file a push records its new version in: the
    /// only writes that may replace a plan file.
    Plan,
    /// An export, a map sheet, or a pulled, merged, rebased or synthetic plan written to `-o`: it never replaces
    /// a plan file (see [`holds_plan`]); any other file it replaces.
    Output,
    /// As [`WriteKind::Output`], and the user said that replacing a plan file is what they mean (`--force`, or a
    /// pull that found the file to be an unchanged copy of the plan it pulls).
    OutputOverPlan,
}

/// What is at a path before a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Nothing,
    /// A borderplan plan file (or a recovery file, which is one).
    Plan,
    /// Any other file.
    OtherFile,
}

/// What is at `path` now: nothing, a borderplan plan file, or another file.
pub fn existing(path: &Path) -> Existing {
    match std::fs::metadata(path) {
        Err(_) => Existing::Nothing,
        Ok(_) if holds_plan(path) => Existing::Plan,
        Ok(_) => Existing::OtherFile,
    }
}

/// True when `path` is a borderplan plan file: its header (the top-level `borderplan` member with format
/// `borderplan-plan`, which the plan writer puts before the features) is in its first 64 KiB. A symlink is
/// followed: replacing the link would hide the plan it points to.
pub fn holds_plan(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut head = Vec::new();
    if f.take(PLAN_SNIFF_BYTES).read_to_end(&mut head).is_err() {
        return false;
    }
    let has = |needle: &[u8]| memchr::memmem::find(&head, needle).is_some();
    has(b"\"borderplan\"") && has(format!("\"{}\"", super::plan_file::FORMAT).as_bytes())
}

/// The write policy, checked before anything is written: an [`WriteKind::Output`] onto a plan file is refused
/// with [`FileError::WouldReplacePlan`].
///
/// # Errors
/// [`FileError::WouldReplacePlan`], or [`FileError::IsDirectory`] when the path is a folder.
pub fn check_write(path: &Path, kind: WriteKind) -> Result<Existing, FileError> {
    if path.is_dir() {
        return Err(FileError::IsDirectory { path: path.to_owned() });
    }
    let existing = existing(path);
    if existing == Existing::Plan && kind == WriteKind::Output {
        return Err(FileError::WouldReplacePlan { path: path.to_owned() });
    }
    Ok(existing)
}

/// Writes `bytes` to `path` atomically, as the write policy allows for `kind`.
///
/// # Errors
/// [`FileError::WouldReplacePlan`] (nothing written), or [`FileError::Write`] naming the path.
pub fn write_atomic(path: &Path, bytes: &[u8], kind: WriteKind) -> Result<(), FileError> {
    check_write(path, kind)?;
    write_atomic_inner(path, Access::Default, |f, _| f.write_all(bytes), |_| Ok(()))
}

/// As [`write_atomic`] for a plan's own file, but the file is readable and writable by its owner only (mode 0600
/// on Unix), as its temp file is from the moment it exists. For copies of unsaved work (the recovery file, its
/// base).
///
/// # Errors
/// [`FileError::Write`] naming the path.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    check_write(path, WriteKind::Plan)?;
    write_atomic_inner(path, Access::OwnerOnly, |f, _| f.write_all(bytes), |_| Ok(()))
}

/// As [`write_atomic`] with [`WriteKind::Plan`] (a plan's own save), calling `before_rename` with the temp file's
/// path once it is written and synced. Tests use the hook to inject a failure between the write and the rename.
///
/// # Errors
/// [`FileError::Write`] naming the path.
pub fn write_atomic_with_hook(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FileError> {
    check_write(path, WriteKind::Plan)?;
    write_atomic_inner(path, Access::Default, |f, _| f.write_all(bytes), before_rename)
}

/// As [`write_atomic`] for a file that is built in place rather than from bytes in memory (a GeoPackage is
/// written by SQLite): `build` gets the temp file's path, beside the target and already created with mode 0600,
/// and writes it; the temp file is then synced and renamed over the target, or removed when `build` fails.
///
/// # Errors
/// [`FileError::WouldReplacePlan`] (nothing written), or [`FileError::Write`] naming the path.
pub fn write_atomic_built(
    path: &Path,
    kind: WriteKind,
    build: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FileError> {
    check_write(path, kind)?;
    write_atomic_inner(
        path,
        Access::Default,
        |f, tmp| {
            build(tmp)?;
            // What SQLite wrote through its own handle reaches the disk through ours.
            f.sync_all()
        },
        |_| Ok(()),
    )
}

/// Who may read the written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// As the file it replaces, or else the platform default (the umask on Unix).
    Default,
    /// The owner only (0600 on Unix).
    OwnerOnly,
}

/// Creates the temp file readable and writable by its owner only: nobody else can open it while it is written.
fn create_temp(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let f = options.open(path)?;
        // The mode given at creation is reduced by the umask but never widened; a leftover temp file of the
        // same name keeps its mode, so set it explicitly.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// The mode the written file gets just before the rename: 0600 for private files, else the mode of the file it
/// replaces, else what a plain create would give (0666 less the umask).
#[cfg(unix)]
fn final_mode(path: &Path, access: Access) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    match access {
        Access::OwnerOnly => 0o600,
        Access::Default => match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => meta.permissions().mode() & 0o7777,
            _ => 0o666 & !umask(),
        },
    }
}

/// The process's umask, from `/proc/self/status` (Linux 4.7+); 022 where it cannot be read.
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("Umask:")).and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

fn write_atomic_inner(
    path: &Path,
    access: Access,
    fill: impl FnOnce(&mut std::fs::File, &Path) -> std::io::Result<()>,
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let err = |source| FileError::Write { path: path.to_owned(), source };
    if path.is_dir() {
        return Err(FileError::IsDirectory { path: path.to_owned() });
    }
    let tmp = temp_path(path);
    remove_stale_temp_files(path);
    let result = (|| {
        let mut f = create_temp(&tmp)?;
        fill(&mut f, &tmp)?;
        f.sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(final_mode(path, access)))?;
        }
        #[cfg(not(unix))]
        let _ = access;
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
    remove_stale_matching(&dir, |file_name| file_name.strip_prefix(&prefix));
}

/// Best effort, at start-up: removes every stale `.NAME.tmp-PID` file in `dir` (any NAME; the same checks as
/// [`remove_stale_temp_files`]): what an export, a save or an autosave killed mid-write left in a folder the
/// window writes to.
pub fn remove_stale_temp_files_in(dir: &Path) {
    remove_stale_matching(dir, |file_name| {
        let (head, pid) = file_name.rsplit_once(".tmp-")?;
        (head.len() > 1 && head.starts_with('.')).then_some(pid)
    });
}

/// Removes the plain files in `dir` whose name `pid_of` maps to the decimal pid of a process that is gone.
fn remove_stale_matching(dir: &Path, pid_of: impl for<'n> Fn(&'n str) -> Option<&'n str>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let own_pid = std::process::id();
    let has_proc = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let Some(pid) = pid_of(file_name) else { continue };
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
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
