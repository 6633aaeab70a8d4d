//! Why an import fails as a whole, in plain words with the line and column of the problem.

use std::path::PathBuf;

use super::json_text::JSON_NESTING_LIMIT;

/// Why an import failed as a whole. Feature-level problems never fail the import; they are counted in
/// [`ImportStats`](crate::io::layer::ImportStats).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is a directory, not a GeoJSON file")]
    IsDirectory { path: PathBuf },
    #[error("{path} is not a regular file (a device, pipe or socket?)")]
    NotAFile { path: PathBuf },
    #[error("not valid JSON at line {line}, column {column}: {reason}")]
    NotJson { line: usize, column: usize, reason: String },
    #[error("not GeoJSON: {reason}")]
    NotGeoJson { reason: String },
    #[error("import cancelled")]
    Cancelled,
}

impl ImportError {
    /// The same error with ` (in <path>)` appended to the reason of a JSON or GeoJSON error.
    pub(super) fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Self::NotJson { line, column, reason } => {
                Self::NotJson { line, column, reason: format!("{reason} (in {})", path.display()) }
            }
            Self::NotGeoJson { reason } => Self::NotGeoJson { reason: format!("{reason} (in {})", path.display()) },
            other => other,
        }
    }
}

/// Turns a serde_json error into [`ImportError::NotJson`] with plain words.
pub(super) fn json_error(e: &serde_json::Error, body: &[u8]) -> ImportError {
    let (line, column) = (e.line(), e.column());
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let raw = full.strip_suffix(&suffix).unwrap_or(&full);

    if body.iter().all(u8::is_ascii_whitespace) {
        return ImportError::NotJson { line, column, reason: "the file is empty".to_owned() };
    }
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") || body.get(1) == Some(&0) {
        return ImportError::NotJson {
            line: 1,
            column: 1,
            reason: "the file looks UTF-16 encoded; GeoJSON must be UTF-8".to_owned(),
        };
    }
    if let Err(utf8) = std::str::from_utf8(body) {
        let at = utf8.valid_up_to();
        let (bad_line, bad_column) = line_and_column(body, at);
        let byte = body.get(at).copied().unwrap_or_default();
        return ImportError::NotJson {
            line: bad_line,
            column: bad_column,
            reason: format!(
                "byte 0x{byte:02X} is not valid UTF-8; GeoJSON must be UTF-8 (was the file saved in a legacy \
                 encoding such as Windows-1251?)"
            ),
        };
    }
    let reason = if e.classify() == serde_json::error::Category::Eof {
        format!("the file ends too early ({raw}); is it truncated?")
    } else if raw == "recursion limit exceeded" {
        format!("arrays or objects are nested more than {JSON_NESTING_LIMIT} levels deep")
    } else if raw == "trailing characters" {
        "there is more text after the end of the JSON document".to_owned()
    } else if raw == "expected value" || raw == "expected ident" {
        "this is not JSON: expected a value (object, array, string, number, true, false or null)".to_owned()
    } else {
        raw.to_owned()
    };
    ImportError::NotJson { line, column, reason }
}

/// The 1-based line and byte column of byte offset `at` in `text`.
fn line_and_column(text: &[u8], at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or_default();
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    (line, at - line_start + 1)
}

/// Byte offset in `text` of serde_json's (1-based line, byte column) error position.
pub(super) fn error_offset(text: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text).nth(line - 2).map_or(text.len(), |newline| newline + 1)
    };
    line_start + column
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn error_positions_become_byte_offsets() {
        let text = b"{\n  \"a\": 1.\n";
        let e = serde_json::from_slice::<serde_json::Value>(&text[..text.len() - 1]).unwrap_err();
        assert_eq!(error_offset(text, e.line(), e.column()), text.len() - 1);
        assert_eq!(error_offset(b"abc", 1, 2), 2);
        assert_eq!(error_offset(b"a\nbc\nd", 3, 1), 6);
    }

    #[test]
    fn a_byte_offset_becomes_a_line_and_column_counted_from_one() {
        assert_eq!(line_and_column(b"abc", 0), (1, 1));
        assert_eq!(line_and_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column(b"\n\n", 2), (3, 1));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_named_with_their_position() {
        let body = b"{\"a\":\n \"\xE9\"}";
        let e = serde_json::from_slice::<serde_json::Value>(body).unwrap_err();
        let ImportError::NotJson { line, column, reason } = json_error(&e, body) else { panic!("not NotJson") };
        assert_eq!((line, column), (2, 3));
        assert!(reason.contains("0xE9") && reason.contains("UTF-8"), "{reason}");
    }

    #[test]
    fn serde_json_wording_is_replaced_by_plain_words() {
        for (text, words) in [
            ("   ", "the file is empty"),
            ("{\"a\":", "the file ends too early"),
            ("{} x", "more text after the end"),
            ("nope", "this is not JSON"),
        ] {
            let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            let reason = json_error(&e, text.as_bytes()).to_string();
            assert!(reason.contains(words), "{text:?}: {reason}");
        }
    }
}
