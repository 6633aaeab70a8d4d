//! JSON text below the parser: the one scanner that tells which bytes lie inside strings (used by the block
//! reader's skeleton, the number patching and the nesting check), and serde_json's nesting limit.

/// serde_json's nesting limit (arrays and objects), named in the error message.
pub(super) const JSON_NESTING_LIMIT: usize = 128;

/// Where one byte of JSON text stands relative to strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Byte {
    /// Outside every string: structure, a number, a literal or whitespace.
    Outside,
    /// The `"` that opens a string.
    Opens,
    /// Inside a string (an escape's backslash and the escaped byte included).
    Inside,
    /// The `"` that closes a string.
    Closes,
}

/// Tracks strings and their escapes byte by byte. The state is two flags, so text can be fed in pieces cut
/// anywhere (a block boundary between a backslash and the byte it escapes included).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct StringScanner {
    in_string: bool,
    /// The previous byte was a backslash inside a string.
    escaped: bool,
}

impl StringScanner {
    /// Classifies the next byte of the text.
    pub(super) fn step(&mut self, b: u8) -> Byte {
        if !self.in_string {
            if b == b'"' {
                self.in_string = true;
                return Byte::Opens;
            }
            return Byte::Outside;
        }
        if self.escaped {
            self.escaped = false;
        } else if b == b'\\' {
            self.escaped = true;
        } else if b == b'"' {
            self.in_string = false;
            return Byte::Closes;
        }
        Byte::Inside
    }

    /// Whether the text fed so far ends inside a string (an unterminated string at the end of the text).
    pub(super) fn in_string(&self) -> bool {
        self.in_string
    }

    /// Inside a string, right after a backslash.
    pub(super) fn escaped(&self) -> bool {
        self.escaped
    }
}

/// The deepest nesting of arrays and objects in a JSON text (0 for a scalar); brackets inside strings do not
/// count.
#[must_use]
pub fn nesting_depth(text: &str) -> usize {
    let mut strings = StringScanner::default();
    let (mut depth, mut max) = (0_usize, 0_usize);
    for b in text.bytes() {
        if strings.step(b) != Byte::Outside {
            continue;
        }
        match b {
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of `text` that lie outside strings, as text.
    fn outside(text: &str) -> String {
        let mut strings = StringScanner::default();
        text.bytes().filter(|b| strings.step(*b) == Byte::Outside).map(char::from).collect()
    }

    fn classes(text: &str) -> Vec<Byte> {
        let mut strings = StringScanner::default();
        text.bytes().map(|b| strings.step(b)).collect()
    }

    #[test]
    fn quotes_open_and_close_strings_and_everything_between_is_inside() {
        use Byte::{Closes, Inside, Opens, Outside};
        assert_eq!(classes(r#"["a"]"#), [Outside, Opens, Inside, Closes, Outside]);
        assert_eq!(outside(r#"{"k": [1, "x"], "m": {}}"#), "{: [1, ], : {}}");
    }

    #[test]
    fn an_escaped_quote_stays_inside_and_an_escaped_backslash_does_not_escape_the_quote() {
        assert_eq!(outside(r#"["a\"]", 1]"#), "[, 1]");
        assert_eq!(outside(r#"["a\\", 1]"#), "[, 1]");
        assert_eq!(outside(r#"["\\\"[", 2]"#), "[, 2]");
        assert_eq!(outside(r#"["\/\b\f\n\r\t", 3]"#), "[, 3]");
    }

    #[test]
    fn unicode_escapes_are_plain_string_bytes() {
        // `\u0022` is a quote and `\u005C` a backslash only once decoded: neither ends the string or escapes.
        assert_eq!(outside(r#"["\u0022]", 1]"#), "[, 1]");
        assert_eq!(outside(r#"["\u005C", 2]"#), "[, 2]");
        assert_eq!(outside(r#"["\ud83d\ude00 é", 3]"#), "[, 3]");
    }

    #[test]
    fn an_escaped_quote_cut_between_two_pieces_of_text_stays_inside() {
        let text = br#"{"name":"a\"]","n":1}"#;
        let backslash = text.iter().position(|b| *b == b'\\').unwrap_or_default();
        for cut in [backslash, backslash + 1, backslash + 2] {
            let (first, second) = text.split_at(cut);
            // One scanner over both pieces, as the block reader keeps it from block to block.
            let mut strings = StringScanner::default();
            let mut found = Vec::new();
            for piece in [first, second] {
                found.extend(piece.iter().filter(|b| strings.step(**b) == Byte::Outside).copied());
            }
            assert_eq!(String::from_utf8_lossy(&found), "{:,:1}", "cut at {cut}");
            assert!(!strings.in_string());
        }
    }

    #[test]
    fn an_unterminated_string_leaves_the_scanner_inside() {
        let mut strings = StringScanner::default();
        for b in br#"{"a": "open [ { "#.iter() {
            strings.step(*b);
        }
        assert!(strings.in_string());
        let mut escaped_end = StringScanner::default();
        for b in br#""ends with a backslash\"#.iter() {
            escaped_end.step(*b);
        }
        assert!(escaped_end.in_string());
        assert_eq!(escaped_end.step(b'"'), Byte::Inside, "the quote after the cut is the escaped one");
        assert_eq!(nesting_depth(r#"[["a", "[[[[ never closed"#), 2);
    }

    #[test]
    fn nesting_depth_counts_brackets_outside_strings_only() {
        assert_eq!(nesting_depth("1"), 0);
        assert_eq!(nesting_depth(r#""[{[{""#), 0);
        assert_eq!(nesting_depth(r#"[{"a": [1, {"b": "]]]]"}]}]"#), 4);
        assert_eq!(nesting_depth(r#"[[], [[]], []]"#), 3);
        assert_eq!(nesting_depth(r#"["\"[[[", [1]]"#), 2);
    }
}
