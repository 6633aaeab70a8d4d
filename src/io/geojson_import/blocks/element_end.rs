//! The end of one element of the `features` array that a block end cut: found by scanning the bytes that arrive
//! block by block once each (strings and nesting only, no parsing), so a feature spanning many blocks is parsed
//! once, when it is complete.

use crate::io::geojson_import::json_text::StringScanner;

/// The scanning state of one cut element, kept from block to block.
#[derive(Debug, Default)]
pub(super) struct ElementEnd {
    /// Bytes of the buffer (from the element's start at 0) scanned so far.
    scanned: usize,
    depth: usize,
    started: bool,
    strings: StringScanner,
}

impl ElementEnd {
    /// Scans on through `buf`; `true` once the element (or whatever stands there instead, for the parser to
    /// judge) is complete in `buf`. Inside the element, bytes other than brackets, braces and quotes are passed
    /// over a table lookup at a time, and strings a `memchr` at a time.
    pub(super) fn complete(&mut self, buf: &[u8]) -> bool {
        let Some(rest) = buf.get(self.scanned..) else { return true };
        let mut k = 0;
        while k < rest.len() {
            if self.started && !self.strings.in_string() {
                k = self.skip_blocks(rest, k);
            }
            // Byte by byte for (at least) one block.
            let end = k + SKIP_BLOCK;
            while let Some(&b) = rest.get(k) {
                if k >= end {
                    break;
                }
                if self.strings.in_string() {
                    // Only quotes and backslashes change a string's state (an escaped byte is fed as it comes).
                    if !self.strings.escaped() {
                        match rest.get(k..).and_then(|r| memchr::memchr2(b'"', b'\\', r)) {
                            Some(at) => k += at,
                            None => k = rest.len(),
                        }
                    }
                    if let Some(&b) = rest.get(k) {
                        self.strings.step(b);
                    }
                    k += 1;
                    continue;
                }
                if self.started && !STRUCTURAL[b as usize] {
                    k += 1;
                    continue;
                }
                if b == b'"' {
                    self.strings.step(b);
                    if !self.started {
                        // A string element: the parser decides.
                        return true;
                    }
                    k += 1;
                    continue;
                }
                match b {
                    b'{' | b'[' => {
                        self.depth += 1;
                        self.started = true;
                    }
                    b'}' | b']' => {
                        if self.depth <= 1 {
                            self.scanned += k + 1;
                            return true;
                        }
                        self.depth -= 1;
                    }
                    b' ' | b'\n' | b'\r' | b'\t' | b',' if !self.started => {}
                    _ if !self.started => return true,
                    _ => {}
                }
                k += 1;
            }
        }
        self.scanned = buf.len();
        false
    }

    /// Passes over whole [`SKIP_BLOCK`]-byte blocks from `rest[k..]` that hold no quote and cannot close the
    /// element (checked a quarter at a time), only counting their brackets in a loop the compiler turns into
    /// vector instructions; returns where byte-by-byte scanning must go on.
    fn skip_blocks(&mut self, rest: &[u8], mut k: usize) -> usize {
        while let Some(block) = rest.get(k..k + SKIP_BLOCK) {
            let mut depth = self.depth;
            for quarter in block.chunks_exact(SKIP_BLOCK / 4) {
                let (mut quotes, mut opens, mut closes) = (0_u8, 0_u8, 0_u8);
                for &b in quarter {
                    quotes |= u8::from(b == b'"');
                    opens += u8::from(b == b'[' || b == b'{');
                    closes += u8::from(b == b']' || b == b'}');
                }
                if quotes > 0 || usize::from(closes) >= depth {
                    return k;
                }
                depth = depth + usize::from(opens) - usize::from(closes);
            }
            self.depth = depth;
            k += SKIP_BLOCK;
        }
        k
    }
}

/// Bytes counted at a time by [`ElementEnd::skip_blocks`].
const SKIP_BLOCK: usize = 64;

/// The bytes that change an element's nesting or start a string.
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table
};
