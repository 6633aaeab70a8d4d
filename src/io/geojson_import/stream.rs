//! The fast path for the usual file, a FeatureCollection: the input is read in blocks of
//! [`BLOCK_BYTES`], a byte scanner finds where each element of the `features` array starts and ends, and the
//! complete elements of a block are parsed on two threads (the caller's and one helper), each into a
//! [`Builder`] of its own that is then appended in file order. The file is never held whole: memory is the
//! layer plus one block.
//!
//! Everything outside the `features` array (the "skeleton": `type`, `crs`, `bbox`, foreign members) is kept and
//! read by the one-pass reader with an empty array in place of the features, so the top-level checks and
//! warnings are the same code. Whenever something is unusual (not an object, no or two `features` arrays, a
//! JSON error anywhere, a number beyond `f64`, nesting close to the limit) this path gives up with
//! [`Fast::Fallback`] and the caller reads the whole document in one pass, which reports errors with their line
//! and column exactly as before.

use std::io::Read;
use std::sync::atomic::Ordering;

use serde::de::DeserializeSeed;

use super::{Builder, Ctx, FeatureSeed, ImportOptions, JSON_NESTING_LIMIT, parse};
use crate::io::layer::Layer;

/// Bytes read (and parsed) at a time.
pub(super) const BLOCK_BYTES: usize = 2 << 20;

/// Blocks with fewer elements than this are parsed on the caller's thread alone.
const PARALLEL_MIN_ELEMENTS: usize = 64;

/// Nesting (absolute, from the top-level object) from which the one-pass reader decides instead.
const DEPTH_FALLBACK: usize = JSON_NESTING_LIMIT - 8;

/// How the fast path ended.
pub(super) enum Fast {
    /// The layer, read completely.
    Done(Layer),
    /// Not a case for the fast path: read the whole document in one pass instead.
    Fallback,
    /// Reading failed (cancelled or an I/O error).
    Failed(Failure),
}

/// Why the fast path failed for good.
pub(super) enum Failure {
    Cancelled,
    Io(std::io::Error),
}

/// Where the scanner is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Before the top-level object (whitespace, a BOM).
    Start,
    /// Inside the top-level object, outside the `features` array.
    Top,
    /// After the `:` of the `features` member, before its value.
    FeaturesValue,
    /// Inside the `features` array.
    Features,
    /// After the top-level object.
    End,
}

/// The byte scanner: tracks strings, escapes and nesting, copies the skeleton and finds the elements of the
/// `features` array.
struct Scanner {
    mode: Mode,
    /// Nesting depth: 1 inside the top-level object, 2 inside the `features` array.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Offset in `skeleton` of the first byte of the last string started at depth 1 (a key candidate).
    key_start: usize,
    /// The last string closed at depth 1 was `"features"`.
    last_string_is_features: bool,
    /// A `features` member was found (a second one sends the file to the one-pass reader).
    features_seen: bool,
    /// Everything outside the `features` array, with `[]` in its place.
    skeleton: Vec<u8>,
    /// Start (in the buffer) of the element being scanned.
    element_start: Option<usize>,
    /// A `,` was read and no element has started since.
    after_comma: bool,
    /// An element of the `features` array has been seen.
    had_element: bool,
}

/// What scanning a buffer found.
enum Scan {
    /// Scanned to the end of the buffer.
    More,
    /// Give up: the one-pass reader decides.
    Fallback,
}

impl Scanner {
    fn new() -> Self {
        Self {
            mode: Mode::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            key_start: 0,
            last_string_is_features: false,
            features_seen: false,
            skeleton: Vec::new(),
            element_start: None,
            after_comma: false,
            had_element: false,
        }
    }

    /// Scans `buf[from..]`, pushing the `(start, end)` of every complete `features` element.
    fn scan(&mut self, buf: &[u8], from: usize, elements: &mut Vec<(usize, usize)>) -> Scan {
        let mut i = from;
        while i < buf.len() {
            match self.mode {
                Mode::Features => match self.scan_features(buf, &mut i, elements) {
                    Scan::More => {}
                    Scan::Fallback => return Scan::Fallback,
                },
                _ => {
                    let Some(&b) = buf.get(i) else { break };
                    if let Scan::Fallback = self.scan_outside(b) {
                        return Scan::Fallback;
                    }
                    i += 1;
                }
            }
        }
        Scan::More
    }

    /// One byte outside the `features` array: copied to the skeleton.
    fn scan_outside(&mut self, b: u8) -> Scan {
        match self.mode {
            Mode::Start => {
                if b.is_ascii_whitespace() {
                    self.skeleton.push(b);
                    return Scan::More;
                }
                if b != b'{' {
                    return Scan::Fallback;
                }
                self.skeleton.push(b);
                self.depth = 1;
                self.mode = Mode::Top;
                Scan::More
            }
            Mode::FeaturesValue => {
                if b.is_ascii_whitespace() {
                    self.skeleton.push(b);
                    return Scan::More;
                }
                if b != b'[' {
                    return Scan::Fallback;
                }
                self.skeleton.extend_from_slice(b"[]");
                self.depth = 2;
                self.mode = Mode::Features;
                self.after_comma = false;
                Scan::More
            }
            Mode::End => {
                self.skeleton.push(b);
                Scan::More
            }
            Mode::Top | Mode::Features => {
                self.skeleton.push(b);
                if self.in_string {
                    if self.escaped {
                        self.escaped = false;
                    } else if b == b'\\' {
                        self.escaped = true;
                    } else if b == b'"' {
                        self.in_string = false;
                        if self.depth == 1 {
                            let key = self.skeleton.get(self.key_start..self.skeleton.len() - 1);
                            self.last_string_is_features = key == Some(b"features".as_slice());
                        }
                    }
                    return Scan::More;
                }
                match b {
                    b'"' => {
                        self.in_string = true;
                        self.key_start = self.skeleton.len();
                    }
                    b'[' | b'{' => {
                        self.depth += 1;
                        if self.depth > DEPTH_FALLBACK {
                            return Scan::Fallback;
                        }
                    }
                    b']' | b'}' => {
                        self.depth = self.depth.saturating_sub(1);
                        if self.depth == 0 {
                            self.mode = Mode::End;
                        }
                    }
                    b':' if self.depth == 1 && self.last_string_is_features => {
                        if self.features_seen {
                            return Scan::Fallback;
                        }
                        self.features_seen = true;
                        self.last_string_is_features = false;
                        self.mode = Mode::FeaturesValue;
                    }
                    b',' | b':' if self.depth == 1 => self.last_string_is_features = false,
                    _ => {}
                }
                Scan::More
            }
        }
    }

    /// Bytes inside the `features` array, from `*i` to the end of the array or of the buffer.
    ///
    /// Inside an element only a few bytes matter (quotes and backslashes in strings; quotes, brackets, braces
    /// and commas outside): the others are skipped by a tight loop over a byte-class table.
    fn scan_features(&mut self, buf: &[u8], i: &mut usize, elements: &mut Vec<(usize, usize)>) -> Scan {
        let mut depth = self.depth;
        let mut in_string = self.in_string;
        let mut escaped = self.escaped;
        let mut j = *i;
        let n = buf.len();
        let outcome = 'scan: loop {
            if escaped {
                // The byte after a backslash (only ever inside a string).
                if j >= n {
                    break Scan::More;
                }
                escaped = false;
                j += 1;
            }
            if in_string {
                while j < n && !STRING_SPECIAL[usize::from(buf[j])] {
                    j += 1;
                }
                let Some(&b) = buf.get(j) else { break Scan::More };
                j += 1;
                if b == b'"' {
                    in_string = false;
                } else {
                    escaped = true;
                }
                continue;
            }
            if depth == 2 && self.element_start.is_none() {
                // Between elements of the array: whitespace, a separator, the end, or an element's first byte.
                let Some(&b) = buf.get(j) else { break Scan::More };
                match b {
                    b' ' | b'\n' | b'\r' | b'\t' => j += 1,
                    b',' => {
                        if self.after_comma || !self.had_element {
                            break Scan::Fallback;
                        }
                        self.after_comma = true;
                        j += 1;
                    }
                    b']' => {
                        if self.after_comma {
                            break Scan::Fallback;
                        }
                        depth = 1;
                        self.mode = Mode::Top;
                        j += 1;
                        break Scan::More;
                    }
                    b'}' => break Scan::Fallback,
                    _ => {
                        if !self.after_comma && self.had_element {
                            // A second value without a comma: not JSON.
                            break Scan::Fallback;
                        }
                        self.element_start = Some(j);
                        self.after_comma = false;
                        self.had_element = true;
                    }
                }
                continue;
            }
            // Inside an element, outside strings.
            while j < n && !OUTSIDE_SPECIAL[usize::from(buf[j])] {
                j += 1;
            }
            let Some(&b) = buf.get(j) else { break Scan::More };
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > DEPTH_FALLBACK {
                        break 'scan Scan::Fallback;
                    }
                }
                b']' | b'}' if depth == 2 => {
                    // The end of the array right after a scalar element, or a stray brace.
                    if b == b'}' {
                        break Scan::Fallback;
                    }
                    if let Some(start) = self.element_start.take() {
                        elements.push((start, j));
                    }
                    depth = 1;
                    self.mode = Mode::Top;
                    j += 1;
                    break Scan::More;
                }
                b']' | b'}' => depth -= 1,
                b',' if depth == 2 => {
                    if let Some(start) = self.element_start.take() {
                        elements.push((start, j));
                    }
                    self.after_comma = true;
                }
                _ => {}
            }
            j += 1;
        };
        self.depth = depth;
        self.in_string = in_string;
        self.escaped = escaped;
        *i = j;
        outcome
    }
}

/// Bytes that matter inside a string: the closing quote and the escape.
static STRING_SPECIAL: [bool; 256] = byte_set(b"\"\\");

/// Bytes that matter inside an element, outside strings.
static OUTSIDE_SPECIAL: [bool; 256] = byte_set(b"\"[]{},");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        set[bytes[k] as usize] = true;
        k += 1;
    }
    set
}

/// A part of a block parsed into a builder of its own.
type PartResult = Result<Builder, PartError>;

enum PartError {
    Fallback,
    Cancelled,
}

/// Parses the elements `ranges` of `buf` (feature indices from `first_index`).
fn parse_part(buf: &[u8], ranges: &[(usize, usize)], first_index: usize, opts: &ImportOptions<'_>) -> PartResult {
    let mut ctx = Ctx::new(buf, &ImportOptions { progress: None, cancel: opts.cancel });
    ctx.out.features.reserve(ranges.len());
    ctx.out.properties.reserve(ranges.len(), ranges.iter().map(|(s, e)| e - s).sum::<usize>() / 3);
    for (n, (start, end)) in ranges.iter().enumerate() {
        if n % 256 == 0 && ctx.cancel_requested() {
            return Err(PartError::Cancelled);
        }
        let Some(slice) = buf.get(*start..*end) else { return Err(PartError::Fallback) };
        let mut de = serde_json::Deserializer::from_slice(slice);
        let outcome = FeatureSeed { ctx: &mut ctx }.deserialize(&mut de).and_then(|o| de.end().map(|()| o));
        if ctx.fatal.take().is_some() {
            return Err(PartError::Fallback);
        }
        match outcome {
            Ok(outcome) => ctx.out.record(first_index + n, outcome),
            Err(_) => return Err(PartError::Fallback),
        }
    }
    Ok(ctx.out)
}

/// Parses the complete elements of one block on two threads when there are enough of them.
fn parse_block(buf: &[u8], ranges: &[(usize, usize)], first_index: usize, opts: &ImportOptions<'_>) -> PartResult {
    if ranges.len() < PARALLEL_MIN_ELEMENTS {
        return parse_part(buf, ranges, first_index, opts);
    }
    // Split by bytes, not by count: features can differ a lot in size.
    let total: usize = ranges.iter().map(|(s, e)| e - s).sum();
    let mut acc = 0;
    let split = ranges
        .iter()
        .position(|(s, e)| {
            acc += e - s;
            acc * 2 >= total
        })
        .map_or(ranges.len() / 2, |p| p + 1)
        .clamp(1, ranges.len() - 1);
    let (head, tail) = ranges.split_at(split);
    let (first, second) = std::thread::scope(|scope| {
        let helper = scope.spawn(|| parse_part(buf, tail, first_index + split, opts));
        let first = parse_part(buf, head, first_index, opts);
        (first, helper.join())
    });
    let mut first = first?;
    let second = second.map_err(|_| PartError::Fallback)??;
    first.append(second);
    Ok(first)
}

/// Reads a GeoJSON document from `reader` (`total_bytes` long, for progress and pre-sizing) the fast way,
/// `block_bytes` at a time.
pub(super) fn import_stream<R: Read>(
    name: &str,
    mut reader: R,
    total_bytes: u64,
    block_bytes: usize,
    opts: &ImportOptions<'_>,
) -> Fast {
    let block_bytes = block_bytes.max(1);
    let mut scanner = Scanner::new();
    let mut out = Builder::default();
    let mut buf: Vec<u8> = Vec::with_capacity(block_bytes);
    let mut elements: Vec<(usize, usize)> = Vec::new();
    let mut consumed: u64 = 0;
    let mut next_index = 0_usize;
    let mut presized = false;
    loop {
        if opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Fast::Failed(Failure::Cancelled);
        }
        let mut scanned = buf.len();
        let read = match (&mut reader).take(block_bytes as u64).read_to_end(&mut buf) {
            Ok(n) => n,
            Err(e) => return Fast::Failed(Failure::Io(e)),
        };
        // A UTF-8 BOM is skipped, as the one-pass reader does.
        if consumed == 0 && scanned == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
            consumed = 3;
            scanned = 0;
        }
        elements.clear();
        if let Scan::Fallback = scanner.scan(&buf, scanned, &mut elements) {
            return Fast::Fallback;
        }
        match parse_block(&buf, &elements, next_index, opts) {
            Ok(part) => {
                next_index += elements.len();
                out.append(part);
            }
            Err(PartError::Fallback) => return Fast::Fallback,
            Err(PartError::Cancelled) => return Fast::Failed(Failure::Cancelled),
        }
        // Keep the element that is not complete yet; everything before it is done with.
        let keep_from = scanner.element_start.unwrap_or(buf.len());
        consumed += keep_from as u64;
        buf.drain(..keep_from);
        if let Some(start) = scanner.element_start.as_mut() {
            *start -= keep_from;
        }
        if let Some(progress) = opts.progress {
            progress(consumed);
        }
        // Size the layer's vectors once from the first block, so they do not double (and briefly need 1.5×
        // their size) while the file is read.
        if !presized && consumed > 0 && total_bytes > consumed {
            presized = true;
            let scale = total_bytes as f64 / consumed as f64 * 1.02;
            let features = (out.features.len() as f64 * scale) as usize;
            let text = (out.properties.text_len() as f64 * scale) as usize;
            out.features.reserve(features.saturating_sub(out.features.len()));
            out.properties.reserve(features.saturating_sub(out.properties.len()), text);
        }
        if read == 0 {
            break;
        }
    }
    if scanner.mode != Mode::End || scanner.in_string || !buf.is_empty() {
        return Fast::Fallback;
    }
    // The skeleton: the top-level members with `"features": []`, read by the one-pass reader.
    let mut ctx = Ctx::new(&scanner.skeleton, &ImportOptions::default());
    if parse(&scanner.skeleton, &mut ctx).is_err() || !ctx.collection {
        return Fast::Fallback;
    }
    let top = ctx.out;
    if top.stats.features != 0 || !top.features.is_empty() || top.stats.skipped != 0 || top.stats.null_geometries != 0
    {
        return Fast::Fallback;
    }
    out.stats.warnings.splice(0..0, top.stats.warnings);
    out.features.shrink_to_fit();
    if let Some(progress) = opts.progress {
        progress(total_bytes);
    }
    Fast::Done(out.finish(name, total_bytes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn elements_of(text: &str, chunk: usize) -> Option<(Vec<String>, String)> {
        let mut scanner = Scanner::new();
        let mut buf = Vec::new();
        let mut found = Vec::new();
        for piece in text.as_bytes().chunks(chunk) {
            let from = buf.len();
            buf.extend_from_slice(piece);
            let mut elements = Vec::new();
            if let Scan::Fallback = scanner.scan(&buf, from, &mut elements) {
                return None;
            }
            found.extend(elements.iter().map(|(s, e)| String::from_utf8(buf[*s..*e].to_vec()).unwrap()));
        }
        (scanner.mode == Mode::End).then(|| (found, String::from_utf8(scanner.skeleton).unwrap()))
    }

    #[test]
    fn the_scanner_finds_every_feature_whatever_the_block_boundaries() {
        let text = "{\"type\":\"FeatureCollection\", \"name\":\"a]\\\"[\", \"features\" : [ {\"a\":\"]},\"}, \
                    [1,[2]] ,\"x\" ,null\n] , \"crs\":{\"features\":1}}\n";
        for chunk in [1, 2, 3, 7, 1000] {
            let (elements, skeleton) = elements_of(text, chunk).expect("scanned");
            assert_eq!(elements, ["{\"a\":\"]},\"}", "[1,[2]] ", "\"x\" ", "null\n"], "chunk {chunk}");
            assert_eq!(
                skeleton,
                "{\"type\":\"FeatureCollection\", \"name\":\"a]\\\"[\", \"features\" : [] , \"crs\":{\"features\":1}}\n"
            );
        }
    }

    #[test]
    fn unusual_documents_are_left_to_the_one_pass_reader() {
        for text in [
            "[1]",
            "{\"features\": {}}",
            "{\"features\": [1,,2]}",
            "{\"features\": [1,]}",
            "{\"features\": [], \"features\": []}",
        ] {
            assert!(elements_of(text, 4).is_none(), "{text}");
        }
        let deep = format!("{{\"features\": [{}{}]}}", "[".repeat(200), "]".repeat(200));
        assert!(elements_of(&deep, 64).is_none(), "deep nesting");
    }
}
