//! Numbers in a plan file's unknown members that serde_json would not write back as they were: an integer beyond
//! 64 bits (a 25-digit survey id became `1.2345678901234568e24`), more digits than a float holds, or a spelling
//! such as `1.10` or `1e5`. Unknown members must come back byte-for-byte, so such a number is kept as a string
//! marked with [`crate::model::EXACT_NUMBER_MARK`] in the plan's unknown members, and the writer puts the number's own text
//! back in place of the marked string.
//!
//! Reading costs one scan of the file for number tokens (most are cleared by looking at their characters; the
//! few that could change are parsed and written once to see). Only when one would change is the file read a
//! second time, with those numbers marked, and the marked values replace the plan's unknown members. Known
//! members (quantities, km, coordinates) are read as numbers as before.

use crate::model::Plan;
use serde_json::{Map, Value};

/// [`crate::model::EXACT_NUMBER_MARK`] as serde_json writes it inside a JSON string, with the opening quote.
const MARK_JSON: &str = "\"\\u0001number:";

/// Whether a number token might be written back differently (cheap: characters only).
fn could_change(token: &[u8]) -> bool {
    let integer = !token.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
    let digits = token.iter().filter(|b| b.is_ascii_digit()).count();
    if integer {
        return digits > 15 || token == b"-0";
    }
    if token.iter().any(|b| matches!(b, b'e' | b'E' | b'+')) || digits > 15 {
        return true;
    }
    // A fraction with a trailing zero other than the `.0` of a whole number (`1.10`, `2.00`).
    let fraction = token.iter().position(|b| *b == b'.').map(|p| &token[p + 1..]).unwrap_or_default();
    fraction.len() > 1 && fraction.ends_with(b"0")
}

/// Whether serde_json reads and writes the token back unchanged.
fn round_trips(token: &str) -> bool {
    serde_json::from_str::<Value>(token).and_then(|v| serde_json::to_string(&v)).is_ok_and(|text| text == token)
}

/// The byte ranges of the number tokens (outside strings) that serde_json would not write back as they are.
fn changing_numbers(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while bytes.get(i).is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) {
                i += 1;
            }
            let token = bytes.get(start..i).unwrap_or_default();
            if could_change(token) && !std::str::from_utf8(token).is_ok_and(round_trips) {
                out.push((start, i));
            }
            continue;
        }
        i += 1;
    }
    out
}

/// A copy of `bytes` with each range replaced by a marked JSON string holding its text.
fn marked_copy(bytes: &[u8], ranges: &[(usize, usize)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + ranges.len() * 16);
    let mut at = 0;
    for &(start, end) in ranges {
        out.extend_from_slice(bytes.get(at..start).unwrap_or_default());
        out.extend_from_slice(MARK_JSON.as_bytes());
        out.extend_from_slice(bytes.get(start..end).unwrap_or_default());
        out.push(b'"');
        at = end;
    }
    out.extend_from_slice(bytes.get(at..).unwrap_or_default());
    out
}

/// Replaces the values of `extra`'s members by those of `from` (same names).
fn take_members(extra: &mut Map<String, Value>, from: Option<&Value>) {
    let Some(Value::Object(from)) = from else { return };
    for (k, v) in extra.iter_mut() {
        if let Some(exact) = from.get(k) {
            *v = exact.clone();
        }
    }
}

/// The objects of an array member, by their `id`.
fn by_id<'a>(v: Option<&'a Value>) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| o.get("id").and_then(Value::as_str).map(|id| (id, o)))
}

/// After `plan` was read from `bytes`: when an unknown member holds a number serde_json would change, the
/// unknown members are read again with such numbers kept as marked strings.
pub(super) fn keep_exact_numbers(plan: &mut Plan, bytes: &[u8]) {
    let ranges = changing_numbers(bytes);
    if ranges.is_empty() {
        return;
    }
    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(&marked_copy(bytes, &ranges)) else { return };
    let root = Value::Object(root);
    take_members(&mut plan.collection_extra, Some(&root));
    let header = root.get("borderplan");
    take_members(&mut plan.extra, header);
    take_members(&mut plan.meta.extra, header.and_then(|h| h.get("meta")));
    for (id, o) in by_id(header.and_then(|h| h.get("catalog")).and_then(|c| c.get("types"))) {
        if let Some(t) = plan.catalog.types.iter_mut().find(|t| t.id == id) {
            take_members(&mut t.extra, Some(o));
        }
    }
    let mut assignment_lists: Vec<&Value> = header.and_then(|h| h.get("unattached_assignments")).into_iter().collect();
    for f in root.get("features").and_then(Value::as_array).into_iter().flatten() {
        let Some(props) = f.get("properties") else { continue };
        let id = props.get("id").and_then(Value::as_str).unwrap_or_default();
        match props.get("kind").and_then(Value::as_str) {
            Some("segment") => plan.segments.with_extra(id, |extra| take_members(extra, Some(props))),
            Some("outpost") => {
                if let Some(o) = plan.outposts.iter_mut().find(|o| o.id == id) {
                    take_members(&mut o.extra, Some(props));
                }
            }
            _ => {}
        }
        assignment_lists.extend(props.get("assignments"));
    }
    for list in assignment_lists {
        for (id, a) in by_id(Some(list)) {
            if let Some(i) = plan.assignments.position(id) {
                plan.assignments.modify_one(i, |x| take_members(&mut x.extra, Some(a)));
            }
        }
    }
}

/// `text` (a written plan) with each marked string put back as the number it holds.
pub(super) fn unmark(text: String) -> String {
    if !text.contains(MARK_JSON) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(p) = rest.find(MARK_JSON) {
        out.push_str(&rest[..p]);
        let after = &rest[p + MARK_JSON.len()..];
        match after.find('"').map(|end| &after[..end]) {
            Some(number) if is_number(number) => {
                out.push_str(number);
                rest = &after[number.len() + 1..];
            }
            _ => {
                out.push_str(MARK_JSON);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `text` is one JSON number.
fn is_number(text: &str) -> bool {
    !text.is_empty()
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;
    use crate::model::EXACT_NUMBER_MARK;

    #[test]
    fn only_numbers_serde_json_would_change_are_found() {
        let text = br#"{"a": 21.0, "b": 12345678901234567890123, "c": "99999999999999999999999", "d": 1.10, "e": 1e5, "f": -3, "g": 23.437500000000004}"#;
        let found: Vec<&str> =
            changing_numbers(text).iter().map(|&(s, e)| std::str::from_utf8(&text[s..e]).expect("utf8")).collect();
        assert_eq!(found, ["12345678901234567890123", "1.10", "1e5"]);
    }

    #[test]
    fn a_marked_number_is_written_back_as_its_text_and_other_strings_are_left_alone() {
        let v = serde_json::json!({"id": format!("{EXACT_NUMBER_MARK}12345678901234567890123"), "x": format!("{EXACT_NUMBER_MARK}oops")});
        let text = unmark(serde_json::to_string(&v).expect("json"));
        assert_eq!(text, r#"{"id":12345678901234567890123,"x":"\u0001number:oops"}"#);
    }
}
