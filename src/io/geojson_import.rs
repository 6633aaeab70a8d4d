//! A tolerant, streaming GeoJSON (RFC 7946) importer that produces an indexed [`Layer`].
//!
//! The document is never held as a `serde_json::Value` or `geojson::GeoJson` tree: the top-level object and its
//! `features` array are walked with serde visitors, each feature's `properties` is read as a
//! `serde_json::Map`, and coordinates are written straight into flat buffers and then into `geo` types.
//!
//! Tolerance (in the spirit of GDAL): every top-level object (FeatureCollection, Feature, bare geometry) and
//! every geometry type is read; 3-D positions keep their z; null geometries are counted, not stored; foreign
//! members are ignored; a UTF-8 BOM is skipped. A feature whose geometry is invalid (coordinates out of range,
//! not numbers or not finite, too few positions, unclosed ring, unknown type, wrong member types, duplicate
//! members) is skipped and the reason kept in [`ImportStats::reasons`]; the rest of the layer loads. Only a
//! file that is not JSON, or JSON that is not GeoJSON, fails as a whole.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use geo::{
    BoundingRect, Coord, CoordsIter, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint,
    MultiPolygon, Point, Polygon, Rect,
};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::layer::{FeatureStyle, ImportStats, Layer, LayerFeature, geometry_type_name};
use super::properties::{PendingProperties, PropertyStore};

mod stream;

/// Progress is reported about every this many bytes.
const PROGRESS_STEP_BYTES: u64 = 1 << 20;

/// serde_json's nesting limit (arrays and objects), named in the error message.
const JSON_NESTING_LIMIT: usize = 128;

/// Prefix of the JSON strings that replace numbers outside the `f64` range when a file is re-read after
/// serde_json refused such a number. The control character cannot occur in a real GeoJSON string by accident
/// often enough to matter.
const OVERFLOW_MARKER: &str = "\u{1}overflow:";

/// Why an import failed as a whole. Feature-level problems never fail the import; they are counted in
/// [`ImportStats`].
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

/// Progress reporting and cancellation for an import.
#[derive(Default, Clone, Copy)]
pub struct ImportOptions<'a> {
    /// Called with the number of bytes processed so far, about every megabyte and once at the end.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// When set to `true` (from any thread), the import stops before the next feature with
    /// [`ImportError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
}

impl fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportOptions")
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel.map(|c| c.load(Ordering::Relaxed)))
            .finish()
    }
}

/// Reads a GeoJSON file into a layer named after the file stem. Errors name the path.
///
/// A FeatureCollection is read in blocks and parsed on two threads without holding the file in memory; any
/// other document, and any file with an error, is read whole and parsed in one pass (which reports the error's
/// line and column).
///
/// # Errors
/// [`ImportError::IsDirectory`] / [`ImportError::NotAFile`] (a device, pipe or socket) / [`ImportError::Io`]
/// when the file cannot be read, otherwise as
/// [`import_bytes`] (with the path appended to the reason).
pub fn import_file(path: &Path, opts: &ImportOptions) -> Result<Layer, ImportError> {
    match super::error::check_regular_file(path) {
        Err(super::error::FileError::IsDirectory { .. }) => {
            return Err(ImportError::IsDirectory { path: path.to_path_buf() });
        }
        Err(_) => return Err(ImportError::NotAFile { path: path.to_path_buf() }),
        Ok(()) => {}
    }
    let io_error = |source| ImportError::Io { path: path.to_path_buf(), source };
    let name = path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
    let file = std::fs::File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    if let Some(mut layer) =
        from_block_reader(stream::import_stream(&name, file, len, stream::BLOCK_BYTES, opts), path)?
    {
        layer.source_path = Some(path.to_path_buf());
        return Ok(layer);
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    match import_bytes_in_one_pass(&name, &bytes, opts) {
        Ok(mut layer) => {
            layer.source_path = Some(path.to_path_buf());
            Ok(layer)
        }
        Err(ImportError::NotJson { line, column, reason }) => {
            Err(ImportError::NotJson { line, column, reason: format!("{reason} (in {})", path.display()) })
        }
        Err(ImportError::NotGeoJson { reason }) => {
            Err(ImportError::NotGeoJson { reason: format!("{reason} (in {})", path.display()) })
        }
        Err(other) => Err(other),
    }
}

/// Reads GeoJSON from memory into a layer called `name`: a FeatureCollection block by block on two threads,
/// anything else (and anything with an error) in one pass.
///
/// # Errors
/// [`ImportError::NotJson`] (with line and column) when the bytes are not JSON, [`ImportError::NotGeoJson`]
/// when they are JSON but not GeoJSON, [`ImportError::Cancelled`] when `opts.cancel` was set.
pub fn import_bytes(name: &str, bytes: &[u8], opts: &ImportOptions) -> Result<Layer, ImportError> {
    import_bytes_in_blocks(name, bytes, stream::BLOCK_BYTES, opts)
}

/// [`import_bytes`] reading `block_bytes` at a time (the default is 1 MiB): lets tests put block boundaries
/// anywhere.
///
/// # Errors
/// As [`import_bytes`].
#[doc(hidden)]
pub fn import_bytes_in_blocks(
    name: &str,
    bytes: &[u8],
    block_bytes: usize,
    opts: &ImportOptions,
) -> Result<Layer, ImportError> {
    let fast = stream::import_stream(name, bytes, bytes.len() as u64, block_bytes, opts);
    match from_block_reader(fast, Path::new(name))? {
        Some(layer) => Ok(layer),
        None => import_bytes_in_one_pass(name, bytes, opts),
    }
}

/// The block reader's outcome as an import result: `Ok(None)` when it leaves the input to the one-pass reader.
/// I/O errors name `path`.
fn from_block_reader(fast: stream::Fast, path: &Path) -> Result<Option<Layer>, ImportError> {
    match fast {
        stream::Fast::Done(layer) => Ok(Some(*layer)),
        stream::Fast::Failed(stream::Failure::Cancelled) => Err(ImportError::Cancelled),
        stream::Fast::Failed(stream::Failure::Io(source)) => Err(ImportError::Io { path: path.to_path_buf(), source }),
        stream::Fast::Fallback => Ok(None),
    }
}

/// Whether the block-wise reader reads `bytes` itself (`false`: it leaves them to the one-pass reader). For tests.
#[doc(hidden)]
#[must_use]
pub fn block_reader_accepts(bytes: &[u8], block_bytes: usize) -> bool {
    matches!(
        stream::import_stream("test", bytes, bytes.len() as u64, block_bytes, &ImportOptions::default()),
        stream::Fast::Done(_)
    )
}

/// Reads GeoJSON from memory in one pass over the whole document on one thread: the reference reader (the
/// block-wise reader must give the same layer) and the reader of every file the block-wise reader leaves alone.
///
/// # Errors
/// As [`import_bytes`].
pub fn import_bytes_in_one_pass(name: &str, bytes: &[u8], opts: &ImportOptions) -> Result<Layer, ImportError> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let body = bytes.get(bom..).unwrap_or_default();
    let mut ctx = Ctx::new(bytes, opts);
    if ctx.cancel_requested() {
        return Err(ImportError::Cancelled);
    }
    let first = parse(body, &mut ctx);
    let outcome = match first {
        Err(ParseFailure::Json(e)) if is_number_out_of_range(&e) => {
            // serde_json refuses numbers beyond the f64 range (1e400). Re-read a copy in which such numbers are
            // marked strings, so only the features using them are skipped.
            match patch_overflowing_numbers(body) {
                Some(patched) => {
                    ctx.restart(&patched);
                    ctx.out.stats.warnings.push(
                        "numbers beyond the 64-bit float range were found; features using them as coordinates are \
                         skipped, in properties they are kept as text"
                            .to_owned(),
                    );
                    parse(&patched, &mut ctx)
                }
                None => Err(ParseFailure::Json(e)),
            }
        }
        other => other,
    };
    match outcome {
        Ok(()) => {}
        Err(ParseFailure::Fatal(e)) => return Err(e),
        Err(ParseFailure::Json(e)) => return Err(json_error(&e, body)),
    }
    if let Some(progress) = opts.progress {
        progress(bytes.len() as u64);
    }
    Ok(ctx.out.finish(name, bytes.len() as u64))
}

/// A compact summary of an imported layer for the command line and for tests:
/// `{"features", "by_type", "bbox" ([w,s,e,n] or null), "skipped", "null_geometries", "reasons", "properties",
/// "warnings"}`.
#[must_use]
pub fn inspect_json(layer: &Layer) -> Value {
    let s = &layer.stats;
    serde_json::json!({
        "features": s.features,
        "by_type": s.by_type,
        "bbox": s.bbox,
        "skipped": s.skipped,
        "null_geometries": s.null_geometries,
        "reasons": s.reasons,
        "properties": s.property_names,
        "warnings": s.warnings,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Driver and error mapping

/// Why a parse pass stopped.
enum ParseFailure {
    /// Not JSON (or an error raised by a visitor without a fatal error recorded).
    Json(serde_json::Error),
    /// Not GeoJSON, or cancelled.
    Fatal(ImportError),
}

fn parse(body: &[u8], ctx: &mut Ctx<'_>) -> Result<(), ParseFailure> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = TopSeed { ctx: &mut *ctx }.deserialize(&mut de).and_then(|()| de.end());
    if let Some(fatal) = ctx.fatal.take() {
        return Err(ParseFailure::Fatal(fatal));
    }
    result.map_err(ParseFailure::Json)
}

fn is_number_out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

/// Turns a serde_json error into [`ImportError::NotJson`] with plain words.
fn json_error(e: &serde_json::Error, body: &[u8]) -> ImportError {
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
        let before = body.get(..at).unwrap_or_default();
        let bad_line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let bad_column = at - line_start + 1;
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

/// Copies `body`, replacing every number token that does not fit an `f64` by a string
/// `"<OVERFLOW_MARKER><token>"`. `None` when there is no such number.
fn patch_overflowing_numbers(body: &[u8]) -> Option<Vec<u8>> {
    let is_number_byte = |b: u8| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E');
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut patched = false;
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if in_string {
            out.push(b);
            if b == b'\\' {
                if let Some(&escaped) = body.get(i + 1) {
                    out.push(escaped);
                    i += 1;
                }
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while body.get(i).is_some_and(|b| is_number_byte(*b)) {
                i += 1;
            }
            let token = body.get(start..i).unwrap_or_default();
            let infinite =
                std::str::from_utf8(token).ok().and_then(|t| t.parse::<f64>().ok()).is_some_and(f64::is_infinite);
            if infinite {
                out.extend_from_slice(b"\"\\u0001overflow:");
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

/// Replaces overflow-marker strings in property values by the number's text.
fn unmark_overflow(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(text) = s.strip_prefix(OVERFLOW_MARKER) {
                *s = text.to_owned();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unmark_overflow),
        Value::Object(map) => map.values_mut().for_each(unmark_overflow),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Import state

/// State shared by all visitors of one import.
struct Ctx<'o> {
    /// Address and length of the buffer being parsed, to turn borrowed keys into byte offsets.
    base_addr: usize,
    len: usize,
    /// Byte offset of the last object key seen (a cheap progress position).
    last_offset: usize,
    next_report: u64,
    progress: Option<&'o (dyn Fn(u64) + Sync)>,
    cancel: Option<&'o AtomicBool>,
    /// Set by a visitor just before it aborts the parse with a serde error.
    fatal: Option<ImportError>,
    /// Coordinate buffers reused from geometry to geometry.
    scratch: CoordTree,
    /// Whether overflow markers may appear (second pass).
    overflow_mode: bool,
    /// The top-level object was a FeatureCollection.
    collection: bool,
    /// Index of the next feature in the `features` array.
    next_feature: usize,
    out: Builder,
}

impl<'o> Ctx<'o> {
    fn new(bytes: &[u8], opts: &ImportOptions<'o>) -> Self {
        Self {
            base_addr: bytes.as_ptr() as usize,
            len: bytes.len(),
            last_offset: 0,
            next_report: PROGRESS_STEP_BYTES,
            progress: opts.progress,
            cancel: opts.cancel,
            fatal: None,
            scratch: CoordTree::default(),
            overflow_mode: false,
            collection: false,
            next_feature: 0,
            out: Builder::default(),
        }
    }

    /// Starts a second pass over `patched` (keeps the progress already reported).
    fn restart(&mut self, patched: &[u8]) {
        self.base_addr = patched.as_ptr() as usize;
        self.len = patched.len();
        self.last_offset = 0;
        self.fatal = None;
        self.scratch.clear();
        self.overflow_mode = true;
        self.next_feature = 0;
        self.out = Builder::default();
    }

    fn note_offset(&mut self, key: &str) {
        let addr = key.as_ptr() as usize;
        if addr >= self.base_addr && addr < self.base_addr + self.len {
            self.last_offset = addr - self.base_addr;
        }
    }

    fn report_progress(&mut self) {
        if let Some(progress) = self.progress {
            let done = self.last_offset as u64;
            if done >= self.next_report {
                progress(done);
                self.next_report = (done / PROGRESS_STEP_BYTES + 1) * PROGRESS_STEP_BYTES;
            }
        }
    }

    fn cancel_requested(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Records a fatal error and returns the serde error that unwinds the parse.
    fn abort<E: de::Error>(&mut self, error: ImportError) -> E {
        let e = E::custom(&error);
        self.fatal = Some(error);
        e
    }
}

/// What one feature turned into: stored, null geometry, or skipped with a reason.
type FeatureOutcome = Result<Option<LayerFeature>, String>;

/// Collects the features and statistics.
#[derive(Default)]
struct Builder {
    features: Vec<LayerFeature>,
    /// The properties of `features` (values of a feature being read are appended before it is recorded).
    properties: PropertyStore,
    stats: ImportStats,
    /// The first [`ImportStats::MAX_REASONS`] skip reasons with the index of their feature.
    reasons: Vec<(usize, String)>,
    bbox: Option<Rect<f64>>,
}

impl Builder {
    fn record(&mut self, index: usize, outcome: FeatureOutcome) {
        match outcome {
            Ok(Some(feature)) => {
                let type_name = geometry_type_name(&feature.geometry);
                match self.stats.by_type.get_mut(type_name) {
                    Some(count) => *count += 1,
                    None => {
                        self.stats.by_type.insert(type_name.to_owned(), 1);
                    }
                }
                if let Some(rect) = feature.geometry.bounding_rect() {
                    self.bbox = Some(union(self.bbox, rect));
                }
                self.features.push(feature);
            }
            Ok(None) => self.stats.null_geometries += 1,
            Err(reason) => {
                self.stats.skipped += 1;
                if self.reasons.len() < ImportStats::MAX_REASONS {
                    self.reasons.push((index, reason));
                }
            }
        }
    }

    /// Appends the features and counts of `part`, read from the features that follow this builder's; its
    /// feature indices start at `index_offset`.
    fn append(&mut self, part: Self, index_offset: usize) {
        let Self { mut features, properties, stats, reasons, bbox } = part;
        self.features.append(&mut features);
        self.properties.append(properties);
        for (name, count) in stats.by_type {
            *self.stats.by_type.entry(name).or_default() += count;
        }
        self.stats.null_geometries += stats.null_geometries;
        self.stats.skipped += stats.skipped;
        let room = ImportStats::MAX_REASONS.saturating_sub(self.reasons.len());
        self.reasons.extend(reasons.into_iter().take(room).map(|(i, r)| (i + index_offset, r)));
        self.stats.warnings.extend(stats.warnings);
        if let Some(rect) = bbox {
            self.bbox = Some(union(self.bbox, rect));
        }
    }

    fn finish(self, name: &str, bytes_read: u64) -> Layer {
        let Self { features, properties, mut stats, reasons, bbox } = self;
        stats.features = features.len();
        stats.reasons = reasons.into_iter().map(|(i, reason)| format!("feature {i}: {reason}")).collect();
        let names: BTreeSet<&str> = properties.shapes().flatten().map(|k| &**k).collect();
        stats.property_names = names.into_iter().map(str::to_owned).collect();
        stats.bbox = bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        stats.bytes_read = bytes_read;
        Layer::new(name, None, features, properties, stats)
    }
}

/// The smallest rectangle holding `a` (if any) and `b`.
fn union(a: Option<Rect<f64>>, b: Rect<f64>) -> Rect<f64> {
    match a {
        None => b,
        Some(a) => Rect::new(
            (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
            (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
        ),
    }
}

/// A geometry read from the file, with its z values in coordinate order if any position had one.
struct ParsedGeom {
    geometry: Geometry<f64>,
    z: Option<Vec<f64>>,
}

/// A geometry value: `Ok(None)` for null or empty, `Err` with the reason it is invalid.
type GeomOutcome = Result<Option<ParsedGeom>, String>;

/// A feature for a bare geometry (no properties).
fn feature_from_geometry(outcome: GeomOutcome, ctx: &mut Ctx<'_>) -> FeatureOutcome {
    make_feature(None, Some(outcome), None, None, ctx)
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and type names

/// The object members the importer looks at; all others are skipped unparsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Type,
    Features,
    Geometry,
    Geometries,
    Coordinates,
    Properties,
    Crs,
    Other,
}

impl Key {
    fn of(name: &str) -> Self {
        match name {
            "type" => Self::Type,
            "features" => Self::Features,
            "geometry" => Self::Geometry,
            "geometries" => Self::Geometries,
            "coordinates" => Self::Coordinates,
            "properties" => Self::Properties,
            "crs" => Self::Crs,
            _ => Self::Other,
        }
    }
}

struct KeySeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key, E> {
        self.ctx.note_offset(v);
        Ok(Key::of(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key::of(v))
    }
}

/// Geometry types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GeomKind {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
    GeometryCollection,
}

impl GeomKind {
    fn name(self) -> &'static str {
        match self {
            Self::Point => "Point",
            Self::MultiPoint => "MultiPoint",
            Self::LineString => "LineString",
            Self::MultiLineString => "MultiLineString",
            Self::Polygon => "Polygon",
            Self::MultiPolygon => "MultiPolygon",
            Self::GeometryCollection => "GeometryCollection",
        }
    }

    /// Array depth of the positions inside `coordinates` (0: `coordinates` is the position).
    fn leaf_depth(self) -> usize {
        match self {
            Self::Point | Self::GeometryCollection => 0,
            Self::MultiPoint | Self::LineString => 1,
            Self::Polygon | Self::MultiLineString => 2,
            Self::MultiPolygon => 3,
        }
    }

    /// What `coordinates` must be, in words.
    fn expected_coordinates(self) -> &'static str {
        match self {
            Self::Point | Self::GeometryCollection => "a position [longitude, latitude]",
            Self::MultiPoint | Self::LineString => "an array of positions",
            Self::Polygon => "an array of rings, each an array of positions",
            Self::MultiLineString => "an array of lines, each an array of positions",
            Self::MultiPolygon => "an array of polygons, each an array of rings",
        }
    }
}

/// The value of a `"type"` member.
#[derive(Debug, Clone, PartialEq)]
enum TypeName {
    Geometry(GeomKind),
    Feature,
    FeatureCollection,
    Other(String),
    NotString(&'static str),
}

impl TypeName {
    fn describe(&self) -> String {
        match self {
            Self::Geometry(kind) => format!("\"{}\"", kind.name()),
            Self::Feature => "\"Feature\"".to_owned(),
            Self::FeatureCollection => "\"FeatureCollection\"".to_owned(),
            Self::Other(s) => format!("\"{s}\""),
            Self::NotString(kind) => (*kind).to_owned(),
        }
    }
}

/// Implements the `visit_*` methods for booleans, numbers and strings by calling the visitor's `other(kind)`.
macro_rules! reject_scalars {
    () => {
        fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Self::Value, E> {
            Ok(self.other("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _v: i64) -> Result<Self::Value, E> {
            Ok(self.other("a number"))
        }
        fn visit_u64<E: de::Error>(self, _v: u64) -> Result<Self::Value, E> {
            Ok(self.other("a number"))
        }
        fn visit_f64<E: de::Error>(self, _v: f64) -> Result<Self::Value, E> {
            Ok(self.other("a number"))
        }
        fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
            Ok(self.other("a string"))
        }
    };
}

/// `visit_unit` (JSON null) calling `other`.
macro_rules! reject_null {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(self.other("null"))
        }
    };
}

/// `visit_seq` that skips the array and calls `other`.
macro_rules! reject_array {
    () => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_seq(seq)?;
            Ok(self.other("an array"))
        }
    };
}

/// `visit_map` that skips the object and calls `other`.
macro_rules! reject_object {
    () => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_map(map)?;
            Ok(self.other("an object"))
        }
    };
}

struct TypeSeed;

impl TypeSeed {
    fn other(self, kind: &'static str) -> TypeName {
        TypeName::NotString(kind)
    }
}

impl<'de> DeserializeSeed<'de> for TypeSeed {
    type Value = TypeName;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<TypeName, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TypeSeed {
    type Value = TypeName;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON type name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeName, E> {
        Ok(match v {
            "Point" => TypeName::Geometry(GeomKind::Point),
            "MultiPoint" => TypeName::Geometry(GeomKind::MultiPoint),
            "LineString" => TypeName::Geometry(GeomKind::LineString),
            "MultiLineString" => TypeName::Geometry(GeomKind::MultiLineString),
            "Polygon" => TypeName::Geometry(GeomKind::Polygon),
            "MultiPolygon" => TypeName::Geometry(GeomKind::MultiPolygon),
            "GeometryCollection" => TypeName::Geometry(GeomKind::GeometryCollection),
            "Feature" => TypeName::Feature,
            "FeatureCollection" => TypeName::FeatureCollection,
            other => TypeName::Other(other.to_owned()),
        })
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<TypeName, E> {
        Ok(self.other("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<TypeName, E> {
        Ok(self.other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<TypeName, E> {
        Ok(self.other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<TypeName, E> {
        Ok(self.other("a number"))
    }
    reject_null!();
    reject_array!();
    reject_object!();
}

/// JSON kind of a value, in words ("a string", "an array", …).
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Coordinates

/// The `coordinates` of one geometry, flattened while streaming: positions in order plus, per array depth, the
/// number of children of each array that holds arrays (0 = the `coordinates` array itself).
#[derive(Default)]
struct CoordTree {
    coords: Vec<Coord<f64>>,
    /// Parallel to `coords` once any position had a z (earlier ones padded with NaN).
    zs: Vec<f64>,
    any_z: bool,
    counts: Vec<Vec<u32>>,
    /// Depth of the position arrays.
    leaf_depth: Option<usize>,
    /// First problem found.
    error: Option<String>,
}

impl CoordTree {
    fn clear(&mut self) {
        self.coords.clear();
        self.zs.clear();
        self.any_z = false;
        self.counts.iter_mut().for_each(Vec::clear);
        self.leaf_depth = None;
        self.error = None;
    }

    fn fail(&mut self, reason: impl FnOnce() -> String) {
        if self.error.is_none() {
            self.error = Some(reason());
        }
    }

    fn counts_at(&self, depth: usize) -> &[u32] {
        self.counts.get(depth).map_or(&[], Vec::as_slice)
    }

    fn push_count(&mut self, depth: usize, children: u32) {
        while self.counts.len() <= depth {
            self.counts.push(Vec::new());
        }
        if let Some(level) = self.counts.get_mut(depth) {
            level.push(children);
        }
    }

    fn push_position(&mut self, depth: usize, numbers: [f64; 3], count: usize) {
        if self.error.is_some() {
            return;
        }
        match self.leaf_depth {
            None => self.leaf_depth = Some(depth),
            Some(d) if d != depth => {
                self.fail(|| "positions are nested at different depths".to_owned());
                return;
            }
            Some(_) => {}
        }
        let [x, y, z] = numbers;
        if count < 2 {
            self.fail(|| format!("a position has {count} number, needs at least 2 (longitude, latitude)"));
        } else if !(-180.0..=180.0).contains(&x) {
            self.fail(|| format!("longitude {x} is outside −180…180"));
        } else if !(-90.0..=90.0).contains(&y) {
            self.fail(|| format!("latitude {y} is outside −90…90"));
        } else {
            self.coords.push(Coord { x, y });
            if count >= 3 {
                if !self.any_z {
                    self.any_z = true;
                    self.zs.resize(self.coords.len() - 1, f64::NAN);
                }
                self.zs.push(z);
            } else if self.any_z {
                self.zs.push(f64::NAN);
            }
        }
    }

    /// Turns the buffers into a geometry of `kind`, checking the structure.
    fn build(&self, kind: GeomKind) -> GeomOutcome {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let name = kind.name();
        if kind == GeomKind::GeometryCollection {
            return Err("GeometryCollection has \"coordinates\" instead of \"geometries\"".to_owned());
        }
        // `"coordinates": []` — RFC 7946 §3.1 lets us read an empty geometry as null.
        if self.leaf_depth.is_none() && self.counts_at(0) == [0] {
            return Ok(None);
        }
        let leaf = kind.leaf_depth();
        let wrong_nesting = || format!("{name} \"coordinates\" must be {}", kind.expected_coordinates());
        if self.leaf_depth.is_some_and(|d| d != leaf) || self.counts.iter().skip(leaf + 1).any(|c| !c.is_empty()) {
            return Err(wrong_nesting());
        }
        if !self.counts_at(leaf).is_empty() {
            return Err("a position is an empty array, needs at least 2 numbers".to_owned());
        }
        let coords = self.coords.as_slice();
        let slice = |start: usize, len: u32| -> Result<&[Coord<f64>], String> {
            coords.get(start..start + len as usize).ok_or_else(wrong_nesting)
        };
        let geometry: Geometry<f64> = match kind {
            GeomKind::Point => match coords {
                [c] => Geometry::Point(Point(*c)),
                _ => return Err(wrong_nesting()),
            },
            GeomKind::MultiPoint => Geometry::MultiPoint(MultiPoint(coords.iter().map(|c| Point(*c)).collect())),
            GeomKind::LineString => {
                if coords.len() < 2 {
                    return Err(format!("LineString has {} position, needs at least 2", coords.len()));
                }
                Geometry::LineString(LineString(coords.to_vec()))
            }
            GeomKind::MultiLineString => {
                let mut start = 0;
                let mut lines = Vec::with_capacity(self.counts_at(1).len());
                for (i, &n) in self.counts_at(1).iter().enumerate() {
                    if n < 2 {
                        return Err(format!("line {i} of the MultiLineString has {n} position, needs at least 2"));
                    }
                    lines.push(LineString(slice(start, n)?.to_vec()));
                    start += n as usize;
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            GeomKind::Polygon => {
                let mut start = 0;
                Geometry::Polygon(polygon(self.counts_at(1), &mut start, &slice, "the Polygon")?)
            }
            GeomKind::MultiPolygon => {
                let ring_counts = self.counts_at(2);
                let mut next_ring = 0usize;
                let mut start = 0;
                let mut polygons = Vec::with_capacity(self.counts_at(1).len());
                for (p, &rings) in self.counts_at(1).iter().enumerate() {
                    if rings == 0 {
                        return Err(format!("polygon {p} of the MultiPolygon has no rings"));
                    }
                    let these = ring_counts.get(next_ring..next_ring + rings as usize).ok_or_else(wrong_nesting)?;
                    next_ring += rings as usize;
                    polygons.push(polygon(these, &mut start, &slice, &format!("polygon {p} of the MultiPolygon"))?);
                }
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            GeomKind::GeometryCollection => return Err(wrong_nesting()),
        };
        let z = self.any_z.then(|| self.zs.clone());
        Ok(Some(ParsedGeom { geometry, z }))
    }
}

/// Builds one polygon from consecutive rings of `ring_sizes` positions, starting at coordinate `*start`.
fn polygon<'c>(
    ring_sizes: &[u32],
    start: &mut usize,
    slice: &dyn Fn(usize, u32) -> Result<&'c [Coord<f64>], String>,
    what: &str,
) -> Result<Polygon<f64>, String> {
    let mut rings = Vec::with_capacity(ring_sizes.len());
    for (r, &n) in ring_sizes.iter().enumerate() {
        let ring = slice(*start, n)?;
        *start += n as usize;
        if n < 4 {
            return Err(format!("ring {r} of {what} has {n} positions, needs at least 4"));
        }
        if ring.first() != ring.last() {
            return Err(format!("ring {r} of {what} is not closed (its last position differs from the first)"));
        }
        rings.push(LineString(ring.to_vec()));
    }
    let mut rings = rings.into_iter();
    let exterior = rings.next().ok_or_else(|| format!("{what} has no rings"))?;
    Ok(Polygon::new(exterior, rings.collect()))
}

/// One element of a coordinate array.
enum Elem {
    Number(f64),
    Array,
    /// A number beyond the f64 range (second pass only), with its text.
    Overflow(String),
    Other(&'static str),
}

/// Reads the array at `depth` of a `coordinates` value into `tree`.
fn read_array<'de, A: SeqAccess<'de>>(tree: &mut CoordTree, depth: usize, mut seq: A) -> Result<(), A::Error> {
    let mut numbers = [0.0_f64; 3];
    let mut n_numbers = 0usize;
    let mut n_arrays = 0u32;
    while let Some(elem) = seq.next_element_seed(ElemSeed { tree: &mut *tree, depth: depth + 1 })? {
        match elem {
            Elem::Number(v) => {
                if let Some(slot) = numbers.get_mut(n_numbers) {
                    *slot = v;
                }
                n_numbers += 1;
            }
            Elem::Array => n_arrays = n_arrays.saturating_add(1),
            Elem::Overflow(text) => tree.fail(|| format!("coordinate {text} is not a finite number")),
            Elem::Other(kind) => tree.fail(|| format!("a coordinate is {kind}, expected a number")),
        }
    }
    if n_numbers > 0 && n_arrays > 0 {
        tree.fail(|| "a coordinate array mixes numbers and arrays".to_owned());
    } else if n_numbers > 0 {
        tree.push_position(depth, numbers, n_numbers);
    } else {
        tree.push_count(depth, n_arrays);
    }
    Ok(())
}

struct ElemSeed<'t> {
    tree: &'t mut CoordTree,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ElemSeed<'_> {
    type Value = Elem;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Elem, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElemSeed<'_> {
    type Value = Elem;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or an array")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Elem, E> {
        Ok(Elem::Number(v))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Elem, E> {
        Ok(Elem::Number(v as f64))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Elem, E> {
        Ok(Elem::Number(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Elem, A::Error> {
        read_array(self.tree, self.depth, seq)?;
        Ok(Elem::Array)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Elem, E> {
        Ok(match v.strip_prefix(OVERFLOW_MARKER) {
            Some(text) => Elem::Overflow(text.to_owned()),
            None => Elem::Other("a string"),
        })
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Elem, E> {
        Ok(Elem::Other("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Elem, E> {
        Ok(Elem::Other("null"))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Elem, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Elem::Other("an object"))
    }
}

/// The `coordinates` value: fills the tree (cleared by the caller).
struct CoordsSeed<'t> {
    tree: &'t mut CoordTree,
}

impl CoordsSeed<'_> {
    fn other(self, kind: &'static str) {
        self.tree.fail(|| format!("\"coordinates\" is {kind}, expected an array"));
    }
}

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a coordinates array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        read_array(self.tree, 0, seq)
    }
    reject_scalars!();
    reject_null!();
    reject_object!();
}

// ---------------------------------------------------------------------------------------------------------------
// Geometry objects

/// `coordinates` read before (`Pending`) or after (`Built`) the geometry's type was known.
enum CoordsState {
    Built(GeomOutcome),
    Pending(CoordTree),
}

/// The members of a geometry object seen so far.
#[derive(Default)]
struct GeomParts {
    kind: Option<TypeName>,
    coords: Option<CoordsState>,
    geometries: Option<Result<Vec<ParsedGeom>, String>>,
    duplicate: Option<&'static str>,
}

impl GeomParts {
    /// Reads the value of `key` if it is a geometry member; `false` when the caller has to handle it.
    fn accept<'de, A: MapAccess<'de>>(&mut self, key: Key, map: &mut A, ctx: &mut Ctx<'_>) -> Result<bool, A::Error> {
        match key {
            Key::Type => {
                let type_name = map.next_value_seed(TypeSeed)?;
                if self.kind.is_some() {
                    self.duplicate.get_or_insert("type");
                }
                self.kind = Some(type_name);
            }
            Key::Coordinates => {
                ctx.scratch.clear();
                map.next_value_seed(CoordsSeed { tree: &mut ctx.scratch })?;
                if self.coords.is_some() {
                    self.duplicate.get_or_insert("coordinates");
                }
                self.coords = Some(match &self.kind {
                    Some(TypeName::Geometry(kind)) if *kind != GeomKind::GeometryCollection => {
                        CoordsState::Built(ctx.scratch.build(*kind))
                    }
                    _ => CoordsState::Pending(std::mem::take(&mut ctx.scratch)),
                });
            }
            Key::Geometries => {
                let geometries = map.next_value_seed(GeometriesSeed { ctx })?;
                if self.geometries.is_some() {
                    self.duplicate.get_or_insert("geometries");
                }
                self.geometries = Some(geometries);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish(self) -> GeomOutcome {
        if let Some(member) = self.duplicate {
            return Err(format!("duplicate \"{member}\" member in a geometry"));
        }
        let kind = match self.kind {
            None => return Err("geometry has no \"type\"".to_owned()),
            Some(TypeName::Geometry(kind)) => kind,
            Some(TypeName::NotString(kind)) => return Err(format!("geometry \"type\" is {kind}, expected a string")),
            Some(other) => return Err(format!("unknown geometry type {}", other.describe())),
        };
        if kind == GeomKind::GeometryCollection {
            return match self.geometries {
                None => Err("GeometryCollection has no \"geometries\" array".to_owned()),
                Some(Err(e)) => Err(e),
                Some(Ok(children)) => Ok(collection(children)),
            };
        }
        match self.coords {
            None => Err(format!("{} has no \"coordinates\"", kind.name())),
            Some(CoordsState::Built(outcome)) => outcome,
            Some(CoordsState::Pending(tree)) => tree.build(kind),
        }
    }
}

/// A GeometryCollection of the non-null children; `None` when there are none.
fn collection(children: Vec<ParsedGeom>) -> Option<ParsedGeom> {
    if children.is_empty() {
        return None;
    }
    let z = children.iter().any(|c| c.z.is_some()).then(|| {
        let mut z = Vec::new();
        for child in &children {
            match &child.z {
                Some(values) => z.extend_from_slice(values),
                None => z.extend(std::iter::repeat_n(f64::NAN, child.geometry.coords_count())),
            }
        }
        z
    });
    let geometry = Geometry::GeometryCollection(GeometryCollection(children.into_iter().map(|c| c.geometry).collect()));
    Some(ParsedGeom { geometry, z })
}

/// A geometry value (object or null).
struct GeomSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl GeomSeed<'_, '_> {
    fn other(self, kind: &'static str) -> GeomOutcome {
        Err(format!("geometry is {kind}, expected an object or null"))
    }
}

impl<'de> DeserializeSeed<'de> for GeomSeed<'_, '_> {
    type Value = GeomOutcome;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<GeomOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeomSeed<'_, '_> {
    type Value = GeomOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON geometry or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<GeomOutcome, E> {
        Ok(Ok(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GeomOutcome, A::Error> {
        let mut parts = GeomParts::default();
        while let Some(key) = map.next_key_seed(KeySeed { ctx: &mut *self.ctx })? {
            if !parts.accept(key, &mut map, self.ctx)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(parts.finish())
    }
    reject_scalars!();
    reject_array!();
}

/// The `geometries` array of a GeometryCollection.
struct GeometriesSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl GeometriesSeed<'_, '_> {
    fn other(self, kind: &'static str) -> Result<Vec<ParsedGeom>, String> {
        Err(format!("\"geometries\" is {kind}, expected an array"))
    }
}

impl<'de> DeserializeSeed<'de> for GeometriesSeed<'_, '_> {
    type Value = Result<Vec<ParsedGeom>, String>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeometriesSeed<'_, '_> {
    type Value = Result<Vec<ParsedGeom>, String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of geometries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut children = Vec::new();
        let mut error = None;
        let mut i = 0usize;
        while let Some(child) = seq.next_element_seed(GeomSeed { ctx: &mut *self.ctx })? {
            match child {
                Ok(Some(g)) => children.push(g),
                Ok(None) => {}
                Err(e) => {
                    error.get_or_insert_with(|| format!("geometries[{i}]: {e}"));
                }
            }
            i += 1;
        }
        Ok(match error {
            Some(e) => Err(e),
            None => Ok(children),
        })
    }
    reject_scalars!();
    reject_null!();
    reject_object!();
}

// ---------------------------------------------------------------------------------------------------------------
// Features

/// Assembles a feature from its members and stores its properties (or forgets them when the feature is not
/// stored).
fn make_feature(
    type_name: Option<TypeName>,
    geometry: Option<GeomOutcome>,
    properties: Option<PropertiesOutcome>,
    duplicate: Option<&'static str>,
    ctx: &mut Ctx<'_>,
) -> FeatureOutcome {
    let (pending, style, kind) = match properties {
        None => (None, None, None),
        Some(Ok(read)) => (Some(read.pending), read.style, None),
        Some(Err((pending, kind))) => (pending, None, Some(kind)),
    };
    let outcome = check_feature(type_name, geometry, duplicate, kind);
    let store = &mut ctx.out.properties;
    match outcome {
        Ok(Some(parsed)) => {
            store.commit(pending.unwrap_or_else(|| store.begin()));
            let style = style.map(|map| FeatureStyle::from_properties(&map)).filter(|s| !s.is_empty()).map(Box::new);
            Ok(Some(LayerFeature { geometry: parsed.geometry, z: parsed.z, style }))
        }
        other => {
            if let Some(pending) = pending {
                store.discard(pending);
            }
            other.map(|_| None)
        }
    }
}

/// The geometry of a feature whose members were read, or why it is skipped.
fn check_feature(
    type_name: Option<TypeName>,
    geometry: Option<GeomOutcome>,
    duplicate: Option<&'static str>,
    properties_kind: Option<&'static str>,
) -> Result<Option<ParsedGeom>, String> {
    if let Some(member) = duplicate {
        return Err(format!("duplicate \"{member}\" member"));
    }
    match type_name {
        None | Some(TypeName::Feature) => {}
        Some(other) => return Err(format!("\"type\" is {}, expected \"Feature\"", other.describe())),
    }
    if let Some(kind) = properties_kind {
        return Err(format!("\"properties\" is {kind}, expected an object or null"));
    }
    Ok(geometry.transpose()?.flatten())
}

/// A `properties` object read into the layer's [`PropertyStore`], not yet committed.
struct PropertiesRead {
    pending: PendingProperties,
    /// The simplestyle members, when there are any.
    style: Option<Map<String, Value>>,
}

/// A `properties` value: the object (nothing for null), or the JSON kind it wrongly is.
type PropertiesOutcome = Result<PropertiesRead, (Option<PendingProperties>, &'static str)>;

/// The deepest nesting of arrays and objects in a JSON text (0 for a scalar); brackets inside strings do not
/// count.
#[must_use]
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0_usize, 0_usize, false, false);
    for b in text.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
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

/// Whether a property name is one of the simplestyle-spec names.
fn is_style_key(key: &str) -> bool {
    matches!(
        key,
        "stroke"
            | "stroke-width"
            | "stroke-opacity"
            | "fill"
            | "fill-opacity"
            | "marker-color"
            | "marker-size"
            | "title"
    )
}

/// Reads a `properties` object straight into the layer's [`PropertyStore`]: keys are compared with the previous
/// feature's, values are copied as JSON text without being parsed into `Value`s.
struct PropertiesSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl PropertiesSeed<'_, '_> {
    fn other(self, kind: &'static str) -> PropertiesOutcome {
        Err((None, kind))
    }
}

impl<'de> DeserializeSeed<'de> for PropertiesSeed<'_, '_> {
    type Value = PropertiesOutcome;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<PropertiesOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct PropertyKey<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for PropertyKey<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = PropertyKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PropertyKey(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PropertyKey(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed<'_, '_> {
    type Value = PropertiesOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a properties object or null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PropertiesOutcome, A::Error> {
        let overflow_mode = self.ctx.overflow_mode;
        let store = &mut self.ctx.out.properties;
        let mut pending = store.begin();
        let mut style: Option<Map<String, Value>> = None;
        while let Some(PropertyKey(key)) = map.next_key::<PropertyKey<'de>>()? {
            let raw: &'de serde_json::value::RawValue = map.next_value()?;
            let text = raw.get();
            // serde_json skips a raw value without its nesting limit; keep refusing what a full parse refuses
            // (the value sits four levels deep: collection, features, feature, properties).
            let nested = text.starts_with(['[', '{']);
            if nested && nesting_depth(text) > JSON_NESTING_LIMIT - 4 {
                return Err(de::Error::custom("recursion limit exceeded"));
            }
            // Skipping does not check that numbers fit an f64 either: refuse them as a full parse would (the
            // import then marks them and reads again).
            let number = text.starts_with(|c: char| c == '-' || c.is_ascii_digit());
            if number
                && (text.contains(['e', 'E']) || text.len() > 300)
                && text.parse::<f64>().is_ok_and(f64::is_infinite)
            {
                return Err(de::Error::custom("number out of range"));
            }
            // Values with \u escapes are parsed once: serde_json skips them without checking surrogates, and
            // every stored value must parse again later. Overflow markers become the number's text.
            let parsed = if nested || text.contains("\\u") || is_style_key(&key) {
                let mut value: Value = serde_json::from_str(text).map_err(de::Error::custom)?;
                if overflow_mode {
                    unmark_overflow(&mut value);
                }
                Some(value)
            } else {
                None
            };
            match (&parsed, overflow_mode && text.contains("\\u0001overflow:")) {
                (Some(value), true) => store.push_value(&mut pending, &key, &value.to_string()),
                _ => store.push_value(&mut pending, &key, text),
            }
            if is_style_key(&key)
                && let Some(value) = parsed
            {
                style.get_or_insert_with(Map::new).insert(key.into_owned(), value);
            }
        }
        Ok(Ok(PropertiesRead { pending, style }))
    }
    fn visit_unit<E: de::Error>(self) -> Result<PropertiesOutcome, E> {
        let pending = self.ctx.out.properties.begin();
        Ok(Ok(PropertiesRead { pending, style: None }))
    }
    reject_scalars!();
    reject_array!();
}

/// Puts the properties of a top-level Feature into the store (they were read into a map first).
fn properties_from_map(map: &Map<String, Value>, ctx: &mut Ctx<'_>) -> PropertiesRead {
    let store = &mut ctx.out.properties;
    let mut pending = store.begin();
    let mut style: Option<Map<String, Value>> = None;
    for (key, value) in map {
        let mut value = value.clone();
        if ctx.overflow_mode {
            unmark_overflow(&mut value);
        }
        store.push_value(&mut pending, key, &value.to_string());
        if is_style_key(key) {
            style.get_or_insert_with(Map::new).insert(key.clone(), value);
        }
    }
    PropertiesRead { pending, style }
}

/// Reads the `properties` of a top-level Feature into a map.
struct TopPropertiesSeed;

impl TopPropertiesSeed {
    fn other(self, kind: &'static str) -> Result<Map<String, Value>, &'static str> {
        Err(kind)
    }
}

impl<'de> DeserializeSeed<'de> for TopPropertiesSeed {
    type Value = Result<Map<String, Value>, &'static str>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopPropertiesSeed {
    type Value = Result<Map<String, Value>, &'static str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a properties object or null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut properties = Map::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            properties.insert(key, value);
        }
        Ok(Ok(properties))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(Map::new()))
    }
    reject_scalars!();
    reject_array!();
}

/// One element of the `features` array.
struct FeatureSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl FeatureSeed<'_, '_> {
    fn other(self, kind: &'static str) -> FeatureOutcome {
        Err(format!("{kind}, not a Feature object"))
    }
}

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_, '_> {
    type Value = FeatureOutcome;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<FeatureOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_, '_> {
    type Value = FeatureOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON Feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FeatureOutcome, A::Error> {
        let mut type_name = None;
        let mut geometry = None;
        let mut properties = None;
        let mut duplicate = None;
        while let Some(key) = map.next_key_seed(KeySeed { ctx: &mut *self.ctx })? {
            match key {
                Key::Type => {
                    if type_name.replace(map.next_value_seed(TypeSeed)?).is_some() {
                        duplicate.get_or_insert("type");
                    }
                }
                Key::Geometry => {
                    if geometry.replace(map.next_value_seed(GeomSeed { ctx: &mut *self.ctx })?).is_some() {
                        duplicate.get_or_insert("geometry");
                    }
                }
                Key::Properties => {
                    let parsed = map.next_value_seed(PropertiesSeed { ctx: &mut *self.ctx })?;
                    if properties.is_none() {
                        properties = Some(parsed);
                    } else {
                        // A second `properties` member: the feature is skipped; forget the second one's values
                        // now (they follow the first one's, which `make_feature` forgets).
                        if let Ok(read) = parsed {
                            self.ctx.out.properties.discard(read.pending);
                        }
                        duplicate.get_or_insert("properties");
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(make_feature(type_name, geometry, properties, duplicate, self.ctx))
    }
    reject_scalars!();
    reject_null!();
    reject_array!();
}

/// The `features` array: streams each feature into the builder.
struct FeaturesSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl FeaturesSeed<'_, '_> {
    fn not_array<E: de::Error>(self, kind: &'static str) -> E {
        self.ctx.abort(ImportError::NotGeoJson { reason: format!("\"features\" is {kind}, expected an array") })
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            if self.ctx.cancel_requested() {
                return Err(self.ctx.abort(ImportError::Cancelled));
            }
            let Some(outcome) = seq.next_element_seed(FeatureSeed { ctx: &mut *self.ctx })? else {
                return Ok(());
            };
            let index = self.ctx.next_feature;
            self.ctx.next_feature += 1;
            self.ctx.out.record(index, outcome);
            self.ctx.report_progress();
        }
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Err(self.not_array("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Err(self.not_array("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.not_array("null"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        Err(self.not_array("an object"))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The top-level object

/// Whether a `crs` name means WGS84 longitude/latitude.
fn is_wgs84_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.contains("CRS84")
        || upper.contains("CRS:84")
        || upper.contains("WGS84")
        || upper.contains("WGS 84")
        || (upper.contains("EPSG") && upper.trim_end().ends_with("4326"))
}

/// `EPSG:3857` for `urn:ogc:def:crs:EPSG::3857` and similar, otherwise the name itself.
fn short_crs_name(name: &str) -> String {
    if name.to_ascii_uppercase().contains("EPSG") {
        let code = name.rsplit(':').next().unwrap_or_default().trim();
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
            return format!("EPSG:{code}");
        }
    }
    name.to_owned()
}

/// The warning for a legacy `crs` member, `None` when it names WGS84.
fn crs_warning(crs: &Value) -> Option<String> {
    match crs {
        Value::Null => None,
        Value::Object(obj) => match obj.get("properties").and_then(|p| p.get("name")).and_then(Value::as_str) {
            Some(name) if is_wgs84_name(name) => None,
            Some(name) => {
                Some(format!("crs {} is not WGS84; coordinates are read as longitude/latitude", short_crs_name(name)))
            }
            None => Some("crs member does not name a CRS; coordinates are read as WGS84 longitude/latitude".to_owned()),
        },
        other => Some(format!(
            "crs member is {}; ignored, coordinates are read as WGS84 longitude/latitude",
            json_kind(other)
        )),
    }
}

struct TopSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TopSeed<'_, '_> {
    fn not_object<E: de::Error>(self, kind: &'static str) -> E {
        self.ctx.abort(ImportError::NotGeoJson {
            reason: format!("the top-level value is {kind}; expected a GeoJSON object"),
        })
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let mut parts = GeomParts::default();
        let mut features_seen = false;
        let mut geometry = None;
        let mut properties = None;
        let mut duplicate = None;
        while let Some(key) = map.next_key_seed(KeySeed { ctx: &mut *ctx })? {
            if parts.accept(key, &mut map, ctx)? {
                continue;
            }
            match key {
                Key::Features => {
                    if features_seen {
                        ctx.out.stats.warnings.push("the file has more than one \"features\" array".to_owned());
                    }
                    features_seen = true;
                    map.next_value_seed(FeaturesSeed { ctx: &mut *ctx })?;
                }
                Key::Geometry => {
                    if geometry.replace(map.next_value_seed(GeomSeed { ctx: &mut *ctx })?).is_some() {
                        duplicate.get_or_insert("geometry");
                    }
                }
                Key::Properties => {
                    // Read into a map of its own: the `features` array may follow, and its features' values go
                    // into the store first.
                    if properties.replace(map.next_value_seed(TopPropertiesSeed)?).is_some() {
                        duplicate.get_or_insert("properties");
                    }
                }
                Key::Crs => {
                    let crs = map.next_value::<Value>()?;
                    if let Some(warning) = crs_warning(&crs) {
                        ctx.out.stats.warnings.push(warning);
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let expected = "expected FeatureCollection, Feature or a geometry";
        match parts.kind.take() {
            None => Err(ctx.abort(ImportError::NotGeoJson {
                reason: format!("the top-level object has no \"type\" member; {expected}"),
            })),
            Some(TypeName::FeatureCollection) => {
                ctx.collection = true;
                if !features_seen {
                    ctx.out.stats.warnings.push("the FeatureCollection has no \"features\" array".to_owned());
                }
                Ok(())
            }
            Some(TypeName::Feature) => {
                let properties = properties.map(|p| p.map(|map| properties_from_map(&map, ctx)).map_err(|k| (None, k)));
                let outcome = make_feature(Some(TypeName::Feature), geometry, properties, duplicate, ctx);
                ctx.out.record(0, outcome);
                Ok(())
            }
            Some(TypeName::Geometry(kind)) => {
                parts.kind = Some(TypeName::Geometry(kind));
                let outcome = feature_from_geometry(parts.finish(), ctx);
                ctx.out.record(0, outcome);
                Ok(())
            }
            Some(TypeName::Other(name)) => {
                Err(ctx
                    .abort(ImportError::NotGeoJson { reason: format!("top-level \"type\" is \"{name}\"; {expected}") }))
            }
            Some(TypeName::NotString(kind)) => Err(ctx.abort(ImportError::NotGeoJson {
                reason: format!("top-level \"type\" is {kind}, not a string; {expected}"),
            })),
        }
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Err(self.not_object("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Err(self.not_object("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.not_object("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        Err(self.not_object("an array"))
    }
}
