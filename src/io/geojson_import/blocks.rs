//! The fast path for the usual file, a FeatureCollection: the input is read in blocks of [`BLOCK_BYTES`]
//! and the elements of the `features` array are parsed one by one straight from the block, on two threads.
//! The first few features are read alone to learn the pattern of a feature start (the separator and the
//! opening bytes the first two features had in common); after that the rest of each block is cut at guessed
//! feature starts into chunks that the caller's thread and a helper thread share (`chunks`). The guesses are
//! checked: a chunk's work is kept only when the work before it arrived exactly at its start; otherwise the
//! caller's thread reads the rest of the block itself. Each chunk is parsed into a [`Builder`] of its own,
//! appended in file order. The file is never held whole: memory is the layer plus one block.
//!
//! Everything outside the `features` array (the "skeleton": `type`, `crs`, `bbox`, foreign members) is kept and
//! read by the one-pass reader with an empty array in place of the features, so the top-level checks and
//! warnings are the same code. Whenever something is unusual (not an object, no or two `features` arrays, a
//! JSON error anywhere, a number beyond `f64`) this path gives up with [`Fast::Fallback`] and the caller reads
//! the whole document in one pass, which reports errors with their line and column exactly as before.
//!
//! One difference is known and harmless: serde_json's limit of 128 nested arrays and objects counts from each
//! feature here and from the top of the document in the one-pass reader, so a feature nested 126 or 127
//! levels deep loads here and is refused there. Both refuse anything deeper.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::de::DeserializeSeed;

use super::ImportOptions;
use super::builder::{Builder, Ctx};
use super::direct;
use super::error::{ImportError, error_offset};
use super::feature::FeatureSeed;
use super::json_text::{Byte, JSON_NESTING_LIMIT, StringScanner};
use super::one_pass::parse;
use crate::io::layer::Layer;
use crate::io::room::Room;
use chunks::{Ahead, CHUNKS_PER_BLOCK, Helper, guess_starts, run_chunks};
use element_end::ElementEnd;

mod chunks;
mod element_end;

/// Bytes read (and parsed) at a time.
pub(super) const BLOCK_BYTES: usize = 1 << 20;

/// Blocks with fewer bytes left than this (or than half a block, for the small blocks of tests) are parsed on
/// the caller's thread alone.
const PARALLEL_MIN_BYTES: usize = 64 << 10;

/// Bytes read on the caller's thread alone at the start of the `features` array, to learn the pattern of
/// feature starts (reading stops at the first feature that starts beyond them).
const LEARN_BYTES: usize = 4 << 10;

/// The longest separator between two features that is learned for guessing feature starts.
const MAX_SEPARATOR: usize = 8;

/// How many opening bytes two features must have in common (at most) for guessing feature starts.
const PATTERN_PREFIX: usize = 16;

/// Nesting outside the `features` array (foreign members) from which the one-pass reader decides instead.
const DEPTH_FALLBACK: usize = JSON_NESTING_LIMIT - 8;

/// How the fast path ended.
pub(super) enum Fast {
    /// The layer, read completely, and how many bytes the parser went through to read it (the file once, plus
    /// the part of a feature cut by a block end each time that happens).
    Done(Box<Layer>, u64),
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

impl Fast {
    /// The outcome as an import result: `Ok(None)` when the input is left to the one-pass reader. I/O errors
    /// name `path`.
    pub(super) fn into_result(self, path: &Path) -> Result<Option<Layer>, ImportError> {
        match self {
            Self::Done(layer, _) => Ok(Some(*layer)),
            Self::Failed(Failure::Cancelled) => Err(ImportError::Cancelled),
            Self::Failed(Failure::Io(source)) => Err(ImportError::Io { path: path.to_path_buf(), source }),
            Self::Fallback => Ok(None),
        }
    }
}

/// Where the scanner is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Before the top-level object (whitespace).
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

/// The byte scanner for the parts outside the `features` array: tracks strings (with the one string scanner)
/// and nesting, copies them to the skeleton and finds where the `features` array starts.
struct Scanner {
    mode: Mode,
    /// Nesting depth: 1 inside the top-level object, 2 inside the `features` array.
    depth: usize,
    /// Strings and escapes, kept from block to block.
    strings: StringScanner,
    /// Offset in `skeleton` of the first byte of the last string started at depth 1 (a key candidate).
    key_start: usize,
    /// The last string closed at depth 1 was `"features"`.
    last_string_is_features: bool,
    /// A `features` member was found (a second one sends the file to the one-pass reader).
    features_seen: bool,
    /// Everything outside the `features` array, with `[]` in its place.
    skeleton: Vec<u8>,
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
            strings: StringScanner::default(),
            key_start: 0,
            last_string_is_features: false,
            features_seen: false,
            skeleton: Vec::new(),
        }
    }

    /// Scans `buf[*i..]` outside the `features` array, up to the array's first element or the end of `buf`.
    fn scan_outside_features(&mut self, buf: &[u8], i: &mut usize) -> Scan {
        while self.mode != Mode::Features {
            let Some(&b) = buf.get(*i) else { break };
            if let Scan::Fallback = self.scan_outside(b) {
                return Scan::Fallback;
            }
            *i += 1;
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
                Scan::More
            }
            Mode::End => {
                self.skeleton.push(b);
                Scan::More
            }
            Mode::Top | Mode::Features => {
                self.skeleton.push(b);
                match self.strings.step(b) {
                    Byte::Outside => {}
                    Byte::Opens => {
                        self.key_start = self.skeleton.len();
                        return Scan::More;
                    }
                    Byte::Inside => return Scan::More,
                    Byte::Closes => {
                        if self.depth == 1 {
                            let key = self.skeleton.get(self.key_start..self.skeleton.len() - 1);
                            self.last_string_is_features = key == Some(b"features".as_slice());
                        }
                        return Scan::More;
                    }
                }
                match b {
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
}

/// What is expected next inside the `features` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Right after `[`: an element or `]`.
    FirstOrEnd,
    /// After an element: `,` or `]`.
    Separator,
    /// After `,`: an element.
    Element,
}

/// Why a run over the `features` array stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The data ran out at `pos` (a boundary; the bytes from `pos` on are kept for the next block).
    NeedMore,
    /// The array ended; `pos` is just after its `]`.
    ArrayEnd,
    /// An element starts at `pos`, which is at or beyond the run's limit.
    Reached,
    /// Not for the fast path.
    Fallback,
    /// The cancel flag was set.
    Cancelled,
}

/// The outcome of parsing a run of `features` elements.
struct Run {
    out: Builder,
    /// Where the run stopped (see [`Stop`]).
    pos: usize,
    expect: Expect,
    stop: Stop,
    /// Elements parsed (features stored, null or skipped).
    elements: usize,
    /// Start and end of the first two elements (to learn the pattern of feature starts).
    first_two: [Option<(usize, usize)>; 2],
}

/// Parses elements of the `features` array from `buf[pos..]` into `out` (feature indices from `first_index`)
/// until the array ends, the data runs out (`last` says whether more data can come), or an element would
/// start at or beyond `limit`.
#[allow(clippy::too_many_arguments)]
fn run(
    buf: &[u8],
    mut pos: usize,
    mut expect: Expect,
    limit: usize,
    last: bool,
    out: Builder,
    first_index: usize,
    opts: &ImportOptions<'_>,
) -> Run {
    let mut ctx = Ctx::new(buf, &ImportOptions { progress: None, cancel: opts.cancel });
    ctx.out = out;
    let mut elements = 0_usize;
    let mut first_two = [None, None];
    // The direct reader reads the run's bytes as text, checked as UTF-8 from `start` up to the run's limit (so
    // the threads check disjoint parts); when a feature goes on beyond it, the rest of the buffer is checked
    // too. Beyond the valid part, serde reads.
    let start = pos;
    let mut text = valid_text(buf, start, limit);
    let mut whole_text = limit >= buf.len();
    let stop = loop {
        while buf.get(pos).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
            pos += 1;
        }
        let Some(&b) = buf.get(pos) else { break if last { Stop::Fallback } else { Stop::NeedMore } };
        match (expect, b) {
            (Expect::Separator, b',') => {
                expect = Expect::Element;
                pos += 1;
                continue;
            }
            (Expect::Separator | Expect::FirstOrEnd, b']') => {
                pos += 1;
                break Stop::ArrayEnd;
            }
            (Expect::Separator, _) | (Expect::Element, b']') => break Stop::Fallback,
            _ => {}
        }
        if pos >= limit {
            break Stop::Reached;
        }
        if elements.is_multiple_of(256) && ctx.cancel_requested() {
            break Stop::Cancelled;
        }
        let mut direct = direct::read_feature(text, pos - start, &mut ctx);
        if matches!(direct, direct::Read::Cut) && !whole_text {
            whole_text = true;
            text = valid_text(buf, start, usize::MAX);
            direct = direct::read_feature(text, pos - start, &mut ctx);
        }
        let (outcome, end) = match direct {
            direct::Read::Feature(outcome, end) => (outcome, start + end),
            // The feature goes on in the next block (serde would say so after reading it all again).
            direct::Read::Cut if start + text.len() == buf.len() && !last => {
                ctx.out.parsed_bytes += (buf.len() - pos) as u64;
                break Stop::NeedMore;
            }
            direct::Read::Cut | direct::Read::Unusual => {
                let Some(slice) = buf.get(pos..) else { break Stop::Fallback };
                let mark = ctx.out.properties.begin();
                let mut de = serde_json::Deserializer::from_slice(slice);
                let outcome = FeatureSeed { ctx: &mut ctx }.deserialize(&mut de);
                if ctx.fatal.take().is_some() {
                    break Stop::Fallback;
                }
                match outcome {
                    // The stream view of the deserializer tells how far it read (nothing more is parsed).
                    Ok(outcome) => (outcome, pos + de.into_iter::<serde::de::IgnoredAny>().byte_offset()),
                    Err(e) => {
                        // Values of a feature cut off by the end of the block are forgotten; it is read again
                        // whole.
                        ctx.out.properties.discard(mark);
                        // An error at the very end of the data (`1.` or `-` before the cut, not only an
                        // unexpected end) may vanish with more data.
                        let reached = error_offset(slice, e.line(), e.column());
                        ctx.out.parsed_bytes += reached as u64;
                        let at_end = e.is_eof() || reached + 2 >= slice.len();
                        break if at_end && !last { Stop::NeedMore } else { Stop::Fallback };
                    }
                }
            }
        };
        ctx.out.parsed_bytes += (end - pos) as u64;
        ctx.out.record(first_index + elements, outcome);
        if let Some(slot) = first_two.iter_mut().find(|s| s.is_none()) {
            *slot = Some((pos, end));
        }
        elements += 1;
        pos = end;
        expect = Expect::Separator;
    };
    Run { out: ctx.out, pos, expect, stop, elements, first_two }
}

/// The longest valid UTF-8 text in `buf` from `start` up to `end` (or the buffer's end).
fn valid_text(buf: &[u8], start: usize, end: usize) -> &str {
    let checked = buf.get(start..end.min(buf.len())).unwrap_or_default();
    // Valid text is checked with vector instructions (the huge line's 44 MB: 2.9 % of the import's CPU time with
    // the standard library's check); where it is not, the standard library tells how far it is.
    if let Ok(text) = simdutf8::basic::from_utf8(checked) {
        return text;
    }
    match std::str::from_utf8(checked) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(checked.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
    }
}

/// The bytes that precede a feature start: the separator between the first two features and the opening
/// bytes they share. `None` when there is no usable pattern.
fn learn_pattern(buf: &[u8], first: (usize, usize), second: (usize, usize)) -> Option<(Vec<u8>, usize)> {
    let separator = buf.get(first.1..second.0)?;
    if separator.len() > MAX_SEPARATOR || separator.iter().filter(|b| **b == b',').count() != 1 {
        return None;
    }
    let a = buf.get(first.0..first.1)?;
    let b = buf.get(second.0..second.1)?;
    let common = a.iter().zip(b).take(PATTERN_PREFIX).take_while(|(x, y)| x == y).count();
    if common < 2 {
        return None;
    }
    let mut pattern = separator.to_vec();
    pattern.extend_from_slice(a.get(..common)?);
    Some((pattern, separator.len()))
}

/// Reads a GeoJSON document from `reader` (`total_bytes` long, for progress and pre-sizing) the fast way,
/// `block_bytes` at a time, with a helper thread when the process may run two threads at once.
pub(super) fn import_stream<R: Read>(
    name: &str,
    reader: R,
    total_bytes: u64,
    block_bytes: usize,
    opts: &ImportOptions<'_>,
) -> Fast {
    import_stream_on(name, reader, total_bytes, block_bytes, opts, two_cpus())
}

/// Whether this process may run on two CPUs or more (its affinity and cgroup quota counted). On one, a helper
/// thread only takes turns with the caller's thread on the same CPU, and its waiting costs the caller time.
fn two_cpus() -> bool {
    static TWO: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TWO.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2))
}

/// [`import_stream`], sharing blocks with a helper thread only when `parallel`.
fn import_stream_on<R: Read>(
    name: &str,
    reader: R,
    total_bytes: u64,
    block_bytes: usize,
    opts: &ImportOptions<'_>,
    parallel: bool,
) -> Fast {
    std::thread::scope(|scope| read_blocks(scope, name, reader, total_bytes, block_bytes, opts, parallel))
}

/// [`import_stream_on`] with the scope the helper thread is started in (once a block is worth sharing).
fn read_blocks<'scope, R: Read>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    mut reader: R,
    total_bytes: u64,
    block_bytes: usize,
    opts: &'scope ImportOptions<'scope>,
    parallel: bool,
) -> Fast {
    let mut helper: Option<Helper> = None;
    let block_bytes = block_bytes.max(1);
    let mut scanner = Scanner::new();
    let mut out = Builder::default();
    let mut buf: Vec<u8> = Vec::with_capacity(block_bytes);
    let mut expect = Expect::FirstOrEnd;
    let mut consumed: u64 = 0;
    let mut next_index = 0_usize;
    let mut presized = false;
    let mut reported = 0;
    let mut pattern: Option<(Vec<u8>, usize)> = None;
    let parallel_min_bytes = (block_bytes / 2).clamp(16, PARALLEL_MIN_BYTES);
    let chunk_bytes = (block_bytes / CHUNKS_PER_BLOCK).max(8);
    // An element cut by the end of the data read so far, at the start of `buf`: read on until it is complete.
    let mut cut: Option<ElementEnd> = None;
    // The cut element was still incomplete after the last block: it spans several blocks.
    let mut spanning = false;
    // The room of the layer's arrays, and the offset in the input, when the last block was shared: how much the
    // input since then added to the arrays.
    let mut rooms_then = out.rooms();
    let mut offset_then = 0;
    loop {
        if opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Fast::Failed(Failure::Cancelled);
        }
        // A feature spanning several blocks grows the buffer block by block: the helper maps the pages of the
        // block after this one while this one is read and scanned (the huge line: 0.88× the time; one block more
        // of memory at most). A feature cut by one block end only (the usual case) completes in the next block.
        if parallel && spanning {
            buf.reserve(2 * block_bytes);
            let next = Room::of(&buf, buf.capacity()).end_addr + block_bytes;
            let helper = helper.get_or_insert_with(|| Helper::start(scope, opts));
            helper.map_ahead([(next, block_bytes), (0, 0), (0, 0), (0, 0)]);
        }
        let read = match (&mut reader).take(block_bytes as u64).read_to_end(&mut buf) {
            Ok(n) => n,
            Err(e) => return Fast::Failed(Failure::Io(e)),
        };
        // A UTF-8 BOM is skipped, as the one-pass reader does.
        if consumed == 0 && buf.len() == read && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
            consumed = 3;
        }
        let last = read == 0;
        let mut pos = 0;
        let waiting = !last && cut.as_mut().is_some_and(|element| !element.complete(&buf));
        spanning = waiting;
        if !waiting {
            cut = None;
        }
        // Bytes before `keep` are done with.
        let keep = if waiting {
            0
        } else {
            loop {
                if scanner.mode != Mode::Features {
                    if let Scan::Fallback = scanner.scan_outside_features(&buf, &mut pos) {
                        return Fast::Fallback;
                    }
                    if scanner.mode != Mode::Features {
                        break pos;
                    }
                    expect = Expect::FirstOrEnd;
                }
                // Cut what is left into chunks at guessed feature starts, for two threads. Until the pattern of
                // feature starts is learned, the first few features are read alone.
                let learning = pattern.is_none();
                let starts = match &pattern {
                    Some((pattern, separator)) if parallel && buf.len().saturating_sub(pos) >= parallel_min_bytes => {
                        guess_starts(&buf, pos, pattern, *separator, chunk_bytes)
                    }
                    _ => Vec::new(),
                };
                let out_so_far = std::mem::take(&mut out);
                let mut run_a = if starts.is_empty() {
                    let limit = if learning { pos.saturating_add(LEARN_BYTES) } else { usize::MAX };
                    run(&buf, pos, expect, limit, last, out_so_far, next_index, opts)
                } else {
                    let helper = helper.get_or_insert_with(|| Helper::start(scope, opts));
                    let rooms = out_so_far.rooms();
                    let mut ahead = Ahead::default();
                    let offset = consumed as usize + pos;
                    for ((a, room), then) in ahead.iter_mut().zip(rooms).zip(rooms_then) {
                        *a = room.ahead(then, offset - offset_then, buf.len() - pos);
                    }
                    (rooms_then, offset_then) = (rooms, offset);
                    let shared = Arc::new(std::mem::take(&mut buf));
                    let run =
                        run_chunks(&shared, pos, expect, starts, last, out_so_far, next_index, opts, helper, ahead);
                    buf = Arc::try_unwrap(shared).unwrap_or_else(|shared| shared.to_vec());
                    run
                };
                if learning && let [Some(first), Some(second)] = run_a.first_two {
                    pattern = learn_pattern(&buf, first, second);
                }
                out = std::mem::take(&mut run_a.out);
                next_index += run_a.elements;
                pos = run_a.pos;
                expect = run_a.expect;
                match run_a.stop {
                    Stop::NeedMore => {
                        cut = Some(ElementEnd::default());
                        break pos;
                    }
                    Stop::ArrayEnd => {
                        scanner.mode = Mode::Top;
                        scanner.depth = 1;
                    }
                    // The first features were read to learn the pattern: the rest is shared.
                    Stop::Reached if learning => {}
                    Stop::Fallback | Stop::Reached => return Fast::Fallback,
                    Stop::Cancelled => return Fast::Failed(Failure::Cancelled),
                }
            }
        };
        consumed += keep as u64;
        buf.drain(..keep);
        if let Some(progress) = opts.progress
            && consumed > reported
            && consumed < total_bytes
        {
            progress(consumed);
            reported = consumed;
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
        if last {
            break;
        }
    }
    if scanner.mode != Mode::End || scanner.strings.in_string() || !buf.is_empty() {
        return Fast::Fallback;
    }
    // The block buffer is freed, and the helper ends instead of spinning while the index is built on two threads.
    drop(buf);
    drop(helper);
    // The skeleton: the top-level members with `"features": []`, read by the one-pass reader.
    let mut ctx = Ctx::new(&scanner.skeleton, &ImportOptions::default());
    if parse(&scanner.skeleton, &mut ctx).is_err() || !ctx.collection {
        return Fast::Fallback;
    }
    let top = ctx.out;
    let parsed_bytes = out.parsed_bytes;
    if !top.features.is_empty() || top.stats.skipped != 0 || top.stats.null_geometries != 0 {
        return Fast::Fallback;
    }
    out.stats.warnings.splice(0..0, top.stats.warnings);
    out.stats.declared_crs = top.stats.declared_crs;
    if let Some(progress) = opts.progress {
        progress(total_bytes);
    }
    Fast::Done(Box::new(out.finish(name, total_bytes)), parsed_bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_skeleton_keeps_everything_but_the_features() {
        let text = "{\"type\":\"FeatureCollection\", \"name\":\"a]\\\"[\", \"features\" : [ {\"a\":\"]},\"}, \
                    [1,[2]] ,\"x\" ,null\n] , \"crs\":{\"features\":1}}\n";
        let mut scanner = Scanner::new();
        let mut pos = 0;
        assert!(matches!(scanner.scan_outside_features(text.as_bytes(), &mut pos), Scan::More));
        assert_eq!(scanner.mode, Mode::Features);
        assert_eq!(&text[pos..pos + 6], " {\"a\":");
        let end = text.find("\n]").unwrap() + 2;
        scanner.mode = Mode::Top;
        scanner.depth = 1;
        let mut pos = end;
        assert!(matches!(scanner.scan_outside_features(text.as_bytes(), &mut pos), Scan::More));
        assert_eq!(scanner.mode, Mode::End);
        assert_eq!(
            String::from_utf8(scanner.skeleton).unwrap(),
            "{\"type\":\"FeatureCollection\", \"name\":\"a]\\\"[\", \"features\" : [] , \"crs\":{\"features\":1}}\n"
        );
    }

    #[test]
    fn unusual_top_levels_are_left_to_the_one_pass_reader() {
        for text in ["[1]", "{\"features\": {}}", "{\"features\": [], \"features\": []}"] {
            let mut scanner = Scanner::new();
            let mut pos = 0;
            let mut outcome = scanner.scan_outside_features(text.as_bytes(), &mut pos);
            if scanner.mode == Mode::Features {
                scanner.mode = Mode::Top;
                scanner.depth = 1;
                pos += 2;
                outcome = scanner.scan_outside_features(text.as_bytes(), &mut pos);
            }
            assert!(matches!(outcome, Scan::Fallback), "{text}");
        }
    }

    #[test]
    fn the_pattern_is_the_separator_and_the_shared_opening() {
        let buf = b"{\"type\":\"Feature\",\"a\":1},\n{\"type\":\"Feature\",\"b\":2}";
        let first_end = buf.windows(3).position(|w| w == b"},\n").unwrap() + 1;
        let second_start = first_end + 2;
        let (pattern, separator) = learn_pattern(buf, (0, first_end), (second_start, buf.len())).unwrap();
        assert_eq!(separator, 2);
        assert_eq!(pattern, b",\n{\"type\":\"Feature", "the separator and 16 shared bytes");
        assert!(learn_pattern(b"1,2", (0, 1), (2, 3)).is_none(), "nothing in common");
    }

    #[test]
    fn an_escaped_quote_cut_by_a_block_end_stays_in_its_string() {
        // The string holds `\"features\":[`: a scanner losing the escape at the cut would find `features` here.
        let text = br#"{"name":"x\"features\":[\\","features" : [1]}"#;
        let start = text.windows(3).position(|w| w == b"[1]").unwrap() + 1;
        for cut in 0..=text.len() {
            let (first, second) = text.split_at(cut);
            let mut scanner = Scanner::new();
            let mut pos = 0;
            assert!(matches!(scanner.scan_outside_features(first, &mut pos), Scan::More));
            let found = if scanner.mode == Mode::Features {
                pos
            } else {
                let mut pos = 0;
                assert!(matches!(scanner.scan_outside_features(second, &mut pos), Scan::More));
                cut + pos
            };
            assert_eq!(scanner.mode, Mode::Features, "cut at {cut}");
            assert_eq!(found, start, "cut at {cut}");
            assert_eq!(scanner.skeleton, br#"{"name":"x\"features\":[\\","features" : []"#, "cut at {cut}");
        }
    }

    fn point_feature(x: u32, extra: &str) -> String {
        format!(
            r#"{{"type":"Feature"{extra},"properties":{{"x":{x}}},"geometry":{{"type":"Point","coordinates":[{x},2]}}}}"#
        )
    }

    #[test]
    fn a_feature_cut_by_the_block_end_is_read_again_from_its_start() {
        let first = point_feature(1, "");
        let opts = ImportOptions::default();
        // An unexpected end, and errors that more data may take away (`-`, `4.`, `4e` before the cut).
        for tail in [
            "",
            "{\"type\":\"Feat",
            "{\"type\":\"Feature\",\"geometry\":{\"coordinates\":[3,",
            "[3,-",
            "[3,4.",
            "[3,4e",
        ] {
            let cut = format!("{first}, {tail}");
            let run_more = run(cut.as_bytes(), 0, Expect::FirstOrEnd, usize::MAX, false, Builder::default(), 0, &opts);
            assert_eq!(run_more.stop, Stop::NeedMore, "{cut}");
            assert_eq!(run_more.elements, 1, "{cut}");
            assert_eq!(run_more.out.properties.len(), 1, "the cut feature's values are forgotten: {cut}");
            assert_eq!(run_more.expect, Expect::Element, "{cut}");
            assert_eq!(run_more.pos, first.len() + 2, "the next block starts at the cut feature: {cut}");
            if !tail.is_empty() {
                let last = run(cut.as_bytes(), 0, Expect::FirstOrEnd, usize::MAX, true, Builder::default(), 0, &opts);
                assert_eq!(last.stop, Stop::Fallback, "no more data: the one-pass reader reports it ({cut})");
            }
        }
    }

    #[test]
    fn a_guessed_start_is_kept_only_where_the_callers_run_arrives_exactly() {
        let children = format!(r#","children":[{},{}]"#, point_feature(7, ""), point_feature(8, ""));
        let features: Vec<String> = (0..4).map(|i| point_feature(i, &children)).collect();
        let text = format!("{}]", features.join(","));
        let buf = text.as_bytes();
        let opts = ImportOptions::default();
        let starts: Vec<usize> =
            features.iter().scan(0, |at, f| Some(std::mem::replace(at, *at + f.len() + 1))).collect();
        let whole = run(buf, 0, Expect::FirstOrEnd, usize::MAX, true, Builder::default(), 0, &opts);
        assert_eq!((whole.stop, whole.elements), (Stop::ArrayEnd, 4));

        // A real feature start: the caller's run stops right there and the helper's run reads the rest.
        let real = starts[2];
        let a = run(buf, 0, Expect::FirstOrEnd, real, true, Builder::default(), 0, &opts);
        assert_eq!((a.stop, a.pos, a.elements), (Stop::Reached, real, 2));
        let b = run(buf, real, Expect::Element, usize::MAX, true, Builder::default(), 0, &opts);
        assert_eq!((b.stop, b.pos, b.elements), (Stop::ArrayEnd, buf.len(), 2));

        // A look-alike inside feature 1's children: the helper parses a child as a feature and stops at the end
        // of the children, while the caller's run passes over the guess and stops at feature 2.
        let false_start = starts[1] + buf[starts[1]..].windows(8).position(|w| w == b"[{\"type\"").unwrap() + 1;
        let a = run(buf, 0, Expect::FirstOrEnd, false_start, true, Builder::default(), 0, &opts);
        assert_eq!((a.stop, a.pos), (Stop::Reached, starts[2]), "the guess is not where a feature starts");
        let b = run(buf, false_start, Expect::Element, usize::MAX, true, Builder::default(), 0, &opts);
        assert_eq!(b.stop, Stop::ArrayEnd, "the helper cannot tell by itself");
        assert!(b.pos < starts[2]);
    }

    #[test]
    fn on_one_cpu_the_caller_reads_alone_what_two_threads_read() {
        let files = [
            crate::synth::points_geojson(3_000),
            crate::synth::lines_geojson(400, 50),
            crate::synth::polygons_geojson(300, 40, 20),
            crate::synth::huge_polygons_geojson(2, 20_000),
        ];
        let opts = ImportOptions::default();
        let read = |bytes: &[u8], parallel: bool| match import_stream_on(
            "t",
            bytes,
            bytes.len() as u64,
            16 << 10,
            &opts,
            parallel,
        ) {
            Fast::Done(layer, parsed) => (layer, parsed),
            _ => panic!("the block reader gave up"),
        };
        for bytes in &files {
            let ((one, one_parsed), (two, two_parsed)) = (read(bytes, false), read(bytes, true));
            assert_eq!(one.features.len(), two.features.len());
            assert!(one.features.len() >= 2);
            assert_eq!(format!("{:?}", one.features), format!("{:?}", two.features));
            assert_eq!(one.properties, two.properties);
            assert_eq!(format!("{:?}", one.stats), format!("{:?}", two.stats));
            assert_eq!(one_parsed, two_parsed, "each byte parsed once either way");
        }
    }
}
