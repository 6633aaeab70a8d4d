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
}

/// Reads a whole file with errors that name it (directories are refused up front).
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, FileError> {
    if path.is_dir() {
        return Err(FileError::IsDirectory { path: path.to_owned() });
    }
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
