//! Every vector format borderplan reads, behind one entry point: [`import_any`] picks the reader from the
//! file's first bytes and its extension, and each reader produces the same [`Layer`] with the same statistics
//! (skipped features with reasons, null geometries, warnings) as the GeoJSON importer, plus notes on what it
//! decided (the CSV columns taken, the CRS reprojected from).
//!
//! The window's import, drag-and-drop, `borderplan FILE` and `borderplan inspect` all go through here.

pub mod builder;
pub mod csv;
pub mod flatbuf;
pub mod flatgeobuf;
pub mod gpkg;
pub mod gpx;
pub mod kml;
pub mod shapefile;
pub mod wkb;
pub mod wkt;
pub mod xml;
pub mod zipped;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use crate::io::geojson_import::{ImportError, ImportOptions};
use crate::io::layer::Layer;

/// Why a file cannot be imported at all (feature-level problems are counted in the layer's statistics).
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(transparent)]
    GeoJson(#[from] ImportError),
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot read {path} as {format}: {reason}")]
    Invalid { path: PathBuf, format: &'static str, reason: String },
    #[error("import cancelled")]
    Cancelled,
}

impl FormatError {
    /// True when the file itself could not be read (missing, a directory, no permission), as opposed to a file
    /// that was read but is not valid.
    #[must_use]
    pub fn is_unreadable(&self) -> bool {
        matches!(
            self,
            Self::Io { .. }
                | Self::GeoJson(
                    ImportError::Io { .. } | ImportError::IsDirectory { .. } | ImportError::NotAFile { .. }
                )
        )
    }
}

/// The formats [`import_any`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Csv,
    GeoPackage,
    Shapefile,
    /// A zip holding shapefiles.
    Zip,
    Kml,
    Kmz,
    Gpx,
    FlatGeobuf,
}

impl Format {
    /// Human-readable name for messages.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::Csv => "CSV",
            Self::GeoPackage => "GeoPackage",
            Self::Shapefile => "Shapefile",
            Self::Zip => "zipped Shapefile",
            Self::Kml => "KML",
            Self::Kmz => "KMZ",
            Self::Gpx => "GPX",
            Self::FlatGeobuf => "FlatGeobuf",
        }
    }

    /// The extensions the import dialog offers (without the dot).
    pub const IMPORT_EXTENSIONS: &'static [&'static str] =
        &["geojson", "json", "csv", "tsv", "txt", "gpkg", "shp", "zip", "kml", "kmz", "gpx", "fgb"];

    /// The format of `path`, from its first bytes and then its extension; GeoJSON when nothing else fits.
    #[must_use]
    pub fn detect(path: &Path) -> Self {
        let mut head = [0u8; 512];
        let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
        Self::detect_bytes(path, head.get(..n).unwrap_or_default())
    }

    /// [`Format::detect`] for a file whose first bytes are `head`.
    #[must_use]
    pub fn detect_bytes(path: &Path, head: &[u8]) -> Self {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if head.starts_with(b"SQLite format 3\0") {
            return Self::GeoPackage;
        }
        if flatgeobuf::is_flatgeobuf(head) {
            return Self::FlatGeobuf;
        }
        if head.starts_with(&[0, 0, 0x27, 0x0A]) {
            return Self::Shapefile;
        }
        if head.starts_with(b"PK\x03\x04") {
            return if ext == "kmz" { Self::Kmz } else { Self::Zip };
        }
        if text.starts_with('<') {
            if text.contains("<kml") {
                return Self::Kml;
            }
            if text.contains("<gpx") {
                return Self::Gpx;
            }
        }
        if text.starts_with('{') || text.starts_with('[') {
            return Self::GeoJson;
        }
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Self::Csv,
            "shp" => Self::Shapefile,
            "kml" => Self::Kml,
            "kmz" => Self::Kmz,
            "gpx" => Self::Gpx,
            "fgb" => Self::FlatGeobuf,
            _ => Self::GeoJson,
        }
    }
}

/// The file stem of `path` as a layer name.
#[must_use]
pub fn layer_name(path: &Path) -> String {
    path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
}

/// Reads a whole file for a reader that needs it in memory, with the GeoJSON importer's checks (not a
/// directory, a device or a pipe).
///
/// # Errors
/// [`FormatError::GeoJson`] for a directory or special file, [`FormatError::Io`] when it cannot be read.
pub fn read_whole(path: &Path) -> Result<Vec<u8>, FormatError> {
    match crate::io::error::check_regular_file(path) {
        Err(crate::io::error::FileError::IsDirectory { .. }) => {
            return Err(ImportError::IsDirectory { path: path.to_path_buf() }.into());
        }
        Err(_) => return Err(ImportError::NotAFile { path: path.to_path_buf() }.into()),
        Ok(()) => {}
    }
    std::fs::read(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })
}

fn cancelled(opts: &ImportOptions) -> bool {
    opts.cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
}

/// Reads any supported file into one layer per feature table (a GeoPackage can hold several; every other
/// format gives one). Errors name the file.
///
/// # Errors
/// [`FormatError`] when the file cannot be read or is not valid in its format.
pub fn import_any(path: &Path, opts: &ImportOptions) -> Result<Vec<Layer>, FormatError> {
    import_chosen(path, opts, None)
}

/// [`import_any`] reading only the GeoPackage feature tables named in `tables` (`None`: every table). The window's
/// table chooser and `borderplan inspect --table` use it.
///
/// # Errors
/// As [`import_any`]; [`FormatError::Invalid`] when `tables` names a table the GeoPackage lacks, or is given for
/// a file that is not a GeoPackage.
pub fn import_chosen(path: &Path, opts: &ImportOptions, tables: Option<&[String]>) -> Result<Vec<Layer>, FormatError> {
    let format = Format::detect(path);
    if tables.is_some() && format != Format::GeoPackage {
        return Err(FormatError::Invalid {
            path: path.to_path_buf(),
            format: format.label(),
            reason: "tables can only be chosen from a GeoPackage".to_owned(),
        });
    }
    let layers = match format {
        Format::GeoJson => vec![crate::io::geojson_import::import_file(path, opts)?],
        Format::Csv => vec![csv::import(path, &read_whole(path)?)?],
        Format::GeoPackage => gpkg::import_tables(path, tables)?,
        Format::Shapefile => vec![shapefile::import(path)?],
        Format::Zip => zipped::shapefiles(path)?,
        Format::Kml => vec![kml::import(path, &read_whole(path)?)?],
        Format::Kmz => vec![kml::import_kmz(path)?],
        Format::Gpx => gpx::import(path, &read_whole(path)?)?,
        Format::FlatGeobuf => vec![flatgeobuf::import(path, &read_whole(path)?)?],
    };
    if cancelled(opts) {
        return Err(FormatError::Cancelled);
    }
    if let Some(progress) = opts.progress {
        progress(layers.iter().map(|l| l.stats.bytes_read).sum());
    }
    Ok(layers)
}

/// A compact summary of an imported layer for `borderplan inspect` and tests: the GeoJSON importer's
/// `{"features", "by_type", "bbox", "skipped", "null_geometries", "reasons", "properties", "warnings"}` plus
/// `"name"` and `"notes"`.
#[must_use]
pub fn inspect_json(layer: &Layer) -> Value {
    let mut value = crate::io::geojson_import::inspect_json(layer);
    if let Value::Object(map) = &mut value {
        map.insert("name".to_owned(), Value::from(layer.name.clone()));
        map.insert("notes".to_owned(), Value::from(layer.stats.notes.clone()));
    }
    value
}
