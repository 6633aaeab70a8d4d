//! The end of one element of the `features` array that a block end cut: found by scanning the bytes that arrive
//! block by block once each (strings and nesting only, no parsing), so a feature spanning many blocks is parsed
//! once, when it is complete.

use crate::io::geojson_import::json_text::StringScanner;

/// The scanning state of one cut element, kept from block to block.
#[derive(Debug, Default)]
pub(super) struct ElementEnd {
    /// Bytes of the buffer (from the element's start at 0) scanned so far.
    scanned: usize,
    /// The element's opening byte (`{` or `[`) once found, and its closing byte.
    brackets: Option<(u8, u8)>,
    /// How many of the opening byte are open (outside strings).
    depth: usize,
    strings: StringScanner,
}

impl ElementEnd {
    /// Scans on through `buf`; `true` once the element (or whatever stands there instead, for the parser to
    /// judge) is complete in `buf`.
    ///
    /// Only the element's own kind of bracket is counted: in JSON, where brackets and braces nest, an object
    /// ends at the first `}` that closes as many `{` as were opened, whatever arrays it holds (and an array
    /// likewise). So the scan jumps from one `{`, `}` or `"` to the next with `memchr3` and passes over a
    /// feature's coordinates, the bulk of a huge feature, at memory speed; inside strings it jumps from quote to
    /// backslash. Text that is not JSON may look complete early or late: the parser reading it then says so.
    pub(super) fn complete(&mut self, buf: &[u8]) -> bool {
        let Some(rest) = buf.get(self.scanned..) else { return true };
        let mut k = 0;
        while k < rest.len() {
            if self.strings.in_string() {
                // Only quotes and backslashes change a string's state (an escaped byte is fed as it comes).
                if !self.strings.escaped() {
                    match rest.get(k..).and_then(|r| memchr::memchr2(b'"', b'\\', r)) {
                        Some(at) => k += at,
                        None => break,
                    }
                }
                if let Some(&b) = rest.get(k) {
                    self.strings.step(b);
                }
                k += 1;
                continue;
            }
            let Some((open, close)) = self.brackets else {
                // Before the element: blanks and the separator are passed over; a bracket starts it; anything
                // else (a string, a number, a stray byte) is for the parser to judge.
                match rest.get(k) {
                    Some(b' ' | b'\n' | b'\r' | b'\t' | b',') => k += 1,
                    Some(&b @ (b'{' | b'[')) => {
                        self.brackets = Some(if b == b'{' { (b'{', b'}') } else { (b'[', b']') });
                        self.depth = 1;
                        k += 1;
                    }
                    _ => return true,
                }
                continue;
            };
            let Some(at) = rest.get(k..).and_then(|r| memchr::memchr3(open, close, b'"', r)) else { break };
            k += at;
            match rest.get(k) {
                Some(b'"') => {
                    self.strings.step(b'"');
                }
                Some(&b) if b == open => self.depth += 1,
                _ => {
                    if self.depth <= 1 {
                        self.scanned += k + 1;
                        return true;
                    }
                    self.depth -= 1;
                }
            }
            k += 1;
        }
        self.scanned = buf.len();
        false
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Feeds `text` in blocks of `block` bytes (the buffer growing as the block reader's does); how many bytes
    /// it took to see the element complete, and whether it did.
    fn end_in_blocks(text: &[u8], block: usize) -> Option<usize> {
        let mut element = ElementEnd::default();
        let mut len = 0;
        while len < text.len() {
            len = (len + block).min(text.len());
            if element.complete(&text[..len]) {
                return Some(element.scanned);
            }
        }
        None
    }

    #[test]
    fn an_element_ends_where_its_own_bracket_closes_whatever_the_block_size() {
        let feature = r#"{"type":"Feature","properties":{"name":"a } ] \" { [","list":[{"x":[1,[2]]}]},"geometry":{"type":"LineString","coordinates":[[69.5,37.25],[70,38]]}}"#;
        let text = format!(" ,\n{feature},{{\"next\":1}}");
        let end = text.find(feature).unwrap() + feature.len();
        for block in 1..=text.len() {
            assert_eq!(end_in_blocks(text.as_bytes(), block), Some(end), "block {block}");
        }
        // An array element ends at its own closing bracket.
        let text = r#"[[1,2],{"a":"]"},[3]],{}"#;
        let end = text.find("],{}").unwrap() + 1;
        for block in 1..=text.len() {
            assert_eq!(end_in_blocks(text.as_bytes(), block), Some(end), "block {block}");
        }
    }

    #[test]
    fn an_element_still_open_is_not_complete_and_a_non_bracket_is_for_the_parser() {
        let open = r#"{"type":"Feature","geometry":{"coordinates":[[1,2],[3,4]"#;
        for block in 1..=open.len() {
            assert_eq!(end_in_blocks(open.as_bytes(), block), None, "block {block}");
        }
        // A string with a brace and an escaped quote at the cut is still a string.
        assert_eq!(end_in_blocks(br#"{"a":"}\"}"#, 1), None);
        for text in ["\"a string\"", "12", "  x", "null"] {
            assert_eq!(end_in_blocks(text.as_bytes(), 1).map(|_| ()), Some(()), "{text}");
        }
    }
}
