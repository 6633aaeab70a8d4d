//! Errors shared by the file readers and writers.

use std::path::PathBuf;

/// Failure to read or write a file, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot save {}: {source} (the previous file, if any, is unchanged)", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{} is a directory, not a file", path.display())]
    IsDirectory { path: PathBuf },
    #[error("{} is not a regular file (a device, pipe or socket?)", path.display())]
    NotAFile { path: PathBuf },
    /// The write policy: only saving a plan replaces a plan file (see `io::atomic::WriteKind`).
    #[error(
        "{} is a borderplan plan file: only saving that plan may replace it, so nothing was written (choose \
         another file name)",
        path.display()
    )]
    WouldReplacePlan { path: PathBuf },
}

/// Refuses what is not a regular file: a directory, or a device, pipe or socket (reading `/dev/zero` would never
/// end). A path that does not exist passes: opening it then says so.
///
/// # Errors
/// [`FileError::IsDirectory`] or [`FileError::NotAFile`].
pub fn check_regular_file(path: &std::path::Path) -> Result<(), FileError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(FileError::IsDirectory { path: path.to_owned() }),
        Ok(meta) if !meta.is_file() => Err(FileError::NotAFile { path: path.to_owned() }),
        _ => Ok(()),
    }
}

/// Reads a whole file with errors that name it (directories, devices, pipes and sockets are refused up front).
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, FileError> {
    check_regular_file(path)?;
    std::fs::read(path).map_err(|source| FileError::Read { path: path.to_owned(), source })
}

/// Plain-language description of a serde_json error, with its position.
pub fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "the file ends too early (is it truncated?)",
        Category::Syntax => "this is not valid JSON",
        Category::Data => "a value has the wrong type",
        Category::Io => "the file could not be read",
    };
    format!("{what} at line {}, column {} ({e})", e.line(), e.column())
}
