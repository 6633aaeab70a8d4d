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

//!
//! One concern per child module: `blocks` reads a FeatureCollection block by block on two threads and leaves
//! everything else to `one_pass`; `direct` reads a feature of the usual shape by hand in the block reader and
//! leaves every other feature to the serde visitors, which it matches bit for bit; the serde visitors go down the document in `top_level`, `feature`,
//! `properties`, `geometry` and `coords` (with `type_names` and `kinds`); `builder` collects the layer;
//! `numbers` handles numbers beyond `f64`, `error` the error wording and `json_text` the bytes inside strings.
//!
//! [`ImportStats::reasons`]: crate::io::layer::ImportStats::reasons

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use crate::io::layer::Layer;

mod blocks;
mod builder;
mod coords;
mod direct;
mod error;
mod feature;
mod geometry;
mod json_text;
mod kinds;
mod numbers;
mod one_pass;
pub mod projected;
mod properties;
mod top_level;
mod type_names;

pub use error::ImportError;
pub use json_text::nesting_depth;

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
    match crate::io::error::check_regular_file(path) {
        Err(crate::io::error::FileError::IsDirectory { .. }) => {
            return Err(ImportError::IsDirectory { path: path.to_path_buf() });
        }
        Err(_) => return Err(ImportError::NotAFile { path: path.to_path_buf() }),
        Ok(()) => {}
    }
    let io_error = |source| ImportError::Io { path: path.to_path_buf(), source };
    let name = path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
    let file = std::fs::File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    let fast = blocks::import_stream(&name, file, len, blocks::BLOCK_BYTES, opts);
    let mut layer = match fast.into_result(path)? {
        Some(layer) => layer,
        None => {
            let bytes = std::fs::read(path).map_err(io_error)?;
            one_pass::read(&name, &bytes, opts).map_err(|e| e.in_file(path))?
        }
    };
    if let Some(crs) = layer.stats.declared_crs.as_deref().and_then(projected::known_crs) {
        let bytes = std::fs::read(path).map_err(io_error)?;
        layer = projected::read(&name, &bytes, &crs).map_err(|e| e.in_file(path))?;
    }
    layer.source_path = Some(path.to_path_buf());
    Ok(layer)
}

/// Reads GeoJSON from memory into a layer called `name`: a FeatureCollection block by block on two threads,
/// anything else (and anything with an error) in one pass.
///
/// # Errors
/// [`ImportError::NotJson`] (with line and column) when the bytes are not JSON, [`ImportError::NotGeoJson`]
/// when they are JSON but not GeoJSON, [`ImportError::Cancelled`] when `opts.cancel` was set.
pub fn import_bytes(name: &str, bytes: &[u8], opts: &ImportOptions) -> Result<Layer, ImportError> {
    let layer = import_bytes_in_blocks(name, bytes, blocks::BLOCK_BYTES, opts)?;
    match layer.stats.declared_crs.as_deref().and_then(projected::known_crs) {
        Some(crs) => projected::read(name, bytes, &crs),
        None => Ok(layer),
    }
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
    let fast = blocks::import_stream(name, bytes, bytes.len() as u64, block_bytes, opts);
    match fast.into_result(Path::new(name))? {
        Some(layer) => Ok(layer),
        None => one_pass::read(name, bytes, opts),
    }
}

#[doc(hidden)]
pub use direct::list_splits_started;

/// Whether the block-wise reader reads `bytes` itself (`false`: it leaves them to the one-pass reader). For tests.
#[doc(hidden)]
#[must_use]
pub fn block_reader_accepts(bytes: &[u8], block_bytes: usize) -> bool {
    let fast = blocks::import_stream("test", bytes, bytes.len() as u64, block_bytes, &ImportOptions::default());
    matches!(fast, blocks::Fast::Done(..))
}

/// How many bytes the block-wise reader's parser goes through to read `bytes` (`None` when it leaves them to the
/// one-pass reader): the measure of its work for the linear-time tests, independent of the machine's speed.
#[doc(hidden)]
#[must_use]
pub fn block_reader_parsed_bytes(bytes: &[u8], block_bytes: usize) -> Option<u64> {
    match blocks::import_stream("test", bytes, bytes.len() as u64, block_bytes, &ImportOptions::default()) {
        blocks::Fast::Done(_, parsed) => Some(parsed),
        _ => None,
    }
}

/// Reads GeoJSON from memory in one pass over the whole document on one thread: the reference reader (the
/// block-wise reader must give the same layer) and the reader of every file the block-wise reader leaves alone.
///
/// # Errors
/// As [`import_bytes`].
pub fn import_bytes_in_one_pass(name: &str, bytes: &[u8], opts: &ImportOptions) -> Result<Layer, ImportError> {
    one_pass::read(name, bytes, opts)
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
