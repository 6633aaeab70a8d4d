//! Numbers beyond the `f64` range (`1e400`). serde_json refuses them and stops, so the one-pass reader reads a
//! copy of the document again in which each such number is a marked string: a feature using one as a coordinate
//! is then skipped with a reason, and in properties the number is kept as its text.

use serde_json::Value;

use super::json_text::{Byte, StringScanner};

/// Prefix of the JSON strings that replace numbers outside the `f64` range in the re-read copy. The control
/// character cannot occur in a real GeoJSON string by accident often enough to matter.
const OVERFLOW_MARKER: &str = "\u{1}overflow:";

/// [`OVERFLOW_MARKER`] as it is written in JSON text.
const OVERFLOW_MARKER_JSON: &str = "\\u0001overflow:";

/// Whether serde_json stopped at a number beyond the `f64` range.
pub(super) fn is_number_out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

/// Whether the JSON text of one value is a number beyond the `f64` range (a raw value skipped by serde_json is
/// not checked, so the properties reader asks this to refuse what a full parse refuses).
pub(super) fn is_overflowing_number(text: &str) -> bool {
    let number = text.starts_with(|c: char| c == '-' || c.is_ascii_digit());
    number && (text.contains(['e', 'E']) || text.len() > 300) && text.parse::<f64>().is_ok_and(f64::is_infinite)
}

/// Copies `body`, replacing every number token that does not fit an `f64` by a string
/// `"<OVERFLOW_MARKER><token>"`. `None` when there is no such number.
pub(super) fn patch_overflowing_numbers(body: &[u8]) -> Option<Vec<u8>> {
    let is_number_byte = |b: u8| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E');
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut patched = false;
    let mut strings = StringScanner::default();
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        // A number's further bytes are never quotes, so the scanner need not see them.
        if strings.step(b) == Byte::Outside && (b == b'-' || b.is_ascii_digit()) {
            let start = i;
            while body.get(i).is_some_and(|b| is_number_byte(*b)) {
                i += 1;
            }
            let token = body.get(start..i).unwrap_or_default();
            let infinite =
                std::str::from_utf8(token).ok().and_then(|t| t.parse::<f64>().ok()).is_some_and(f64::is_infinite);
            if infinite {
                out.push(b'"');
                out.extend_from_slice(OVERFLOW_MARKER_JSON.as_bytes());
                out.extend_from_slice(token);
                out.push(b'"');
                patched = true;
            } else {
                out.extend_from_slice(token);
            }
            continue;
        }
        out.push(b);
        i += 1;
    }
    patched.then_some(out)
}

/// The number's text when `s` is a marked overflowing number.
pub(super) fn overflow_text(s: &str) -> Option<&str> {
    s.strip_prefix(OVERFLOW_MARKER)
}

/// Whether the JSON text of a value holds a marked overflowing number.
pub(super) fn has_overflow_marker(json_text: &str) -> bool {
    json_text.contains(OVERFLOW_MARKER_JSON)
}

/// Replaces overflow-marker strings in property values by the number's text.
pub(super) fn unmark_overflow(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(text) = overflow_text(s) {
                *s = text.to_owned();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unmark_overflow),
        Value::Object(map) => map.values_mut().for_each(unmark_overflow),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn patched(text: &str) -> Option<String> {
        patch_overflowing_numbers(text.as_bytes()).map(|p| String::from_utf8(p).unwrap())
    }

    #[test]
    fn numbers_beyond_f64_become_marked_strings_and_the_rest_is_copied() {
        assert_eq!(
            patched(r#"{"c":[1e400,-2E+999, 3.5e2],"n":-0.0}"#).as_deref(),
            Some(r#"{"c":["\u0001overflow:1e400","\u0001overflow:-2E+999", 3.5e2],"n":-0.0}"#)
        );
        let long = format!("[{}]", "9".repeat(400));
        assert_eq!(patched(&long), Some(format!("[\"\\u0001overflow:{}\"]", "9".repeat(400))));
    }

    #[test]
    fn a_document_without_overflowing_numbers_is_not_copied() {
        assert_eq!(patched(r#"{"a":[1,2.5e300,-1e-400]}"#), None, "1e-400 is a tiny number, not an overflow");
        assert_eq!(patched(""), None);
    }

    #[test]
    fn numbers_inside_strings_are_left_alone_whatever_their_escapes() {
        assert_eq!(patched(r#"["1e400", "a\"1e400", "\\", "\u00221e400"]"#), None);
        assert_eq!(
            patched(r#"["a\"", 1e400, "\\"]"#).as_deref(),
            Some(r#"["a\"", "\u0001overflow:1e400", "\\"]"#),
            "the number after a string ending in an escaped quote is outside"
        );
    }

    #[test]
    fn the_patched_copy_parses_and_unmarking_restores_the_numbers_text() {
        let copy = patch_overflowing_numbers(br#"{"p":{"big":1e400,"list":[-1E999,2]}}"#).unwrap();
        assert!(has_overflow_marker(std::str::from_utf8(&copy).unwrap()));
        let mut value: Value = serde_json::from_slice(&copy).unwrap();
        assert_eq!(overflow_text(value["p"]["big"].as_str().unwrap()), Some("1e400"));
        unmark_overflow(&mut value);
        assert_eq!(value, serde_json::json!({"p": {"big": "1e400", "list": ["-1E999", 2]}}));
        assert!(!has_overflow_marker(&value.to_string()));
    }

    #[test]
    fn serde_jsons_refusal_and_the_raw_value_check_agree_on_what_overflows() {
        for text in ["1e400", "-1e309", "9".repeat(310).as_str()] {
            let e = serde_json::from_str::<Value>(text).unwrap_err();
            assert!(is_number_out_of_range(&e), "{text}: {e}");
            assert!(is_overflowing_number(text), "{text}");
        }
        for text in ["1e308", "-1e-400", "12", "\"1e400\"", "[1e400]"] {
            assert!(!is_overflowing_number(text), "{text}");
        }
        let other = serde_json::from_str::<Value>("[1,").unwrap_err();
        assert!(!is_number_out_of_range(&other));
    }
}
