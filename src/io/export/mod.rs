//! Exports of a plan for other tools: GeoJSON (QGIS, geojson.io), CSV (spreadsheets), KML (Google Earth) and a
//! self-contained HTML report with an inline SVG map.
//!
//! The window's File › Export menu and `borderplan export` both go through [`export_to_string`] /
//! [`export_to_file`], so the two always produce the same bytes (apart from the report's generation date).

pub mod csv;
pub mod geojson;
pub mod gpkg;
pub mod html;
mod html_sections;
pub mod kml;
pub mod sheet;
pub mod svg;
pub mod takpkg;

use super::atomic::{WriteKind, write_atomic};
use super::error::FileError;
use crate::model::{Assignment, Plan, Stage, Target};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The file formats a plan can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// RFC 7946 FeatureCollection: segments, outposts and stage-3 coverage gaps with simplestyle colours.
    GeoJson,
    /// One row per assignment (RFC 4180, UTF-8) with lon/lat and WKT geometry columns.
    Csv,
    /// A single self-contained HTML report (inline CSS and SVG map, no external resources).
    Html,
    /// KML 2.2 with a time span per assignment for Google Earth's time slider.
    Kml,
    /// GeoPackage (binary): segments, outposts, assignments and gaps tables, for QGIS.
    GeoPackage,
    /// TAK data package (zip): KML per stage and per outpost with a manifest, for ATAK / WinTAK.
    TakPackage,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::GeoJson,
        ExportFormat::Csv,
        ExportFormat::Html,
        ExportFormat::Kml,
        ExportFormat::GeoPackage,
        ExportFormat::TakPackage,
    ];

    /// The format for a file extension (without the dot, any case): geojson/json, csv, html/htm, kml.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.trim_start_matches('.').to_ascii_lowercase().as_str() {
            "geojson" | "json" => Some(Self::GeoJson),
            "csv" => Some(Self::Csv),
            "html" | "htm" => Some(Self::Html),
            "kml" => Some(Self::Kml),
            "gpkg" | "geopackage" => Some(Self::GeoPackage),
            "takpkg" | "zip" => Some(Self::TakPackage),
            _ => None,
        }
    }

    /// The format for a path, from its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        path.extension().and_then(|e| e.to_str()).and_then(Self::from_extension)
    }

    /// The usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::GeoJson => "geojson",
            Self::Csv => "csv",
            Self::Html => "html",
            Self::Kml => "kml",
            Self::GeoPackage => "gpkg",
            Self::TakPackage => "zip",
        }
    }

    /// Every extension the format is recognised by (for file dialogs), the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::GeoJson => &["geojson", "json"],
            Self::Csv => &["csv"],
            Self::Html => &["html", "htm"],
            Self::Kml => &["kml"],
            Self::GeoPackage => &["gpkg"],
            Self::TakPackage => &["zip"],
        }
    }

    /// Human-readable name for menus and messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::Csv => "CSV (one row per assignment)",
            Self::Html => "HTML report",
            Self::Kml => "KML (Google Earth)",
            Self::GeoPackage => "GeoPackage (QGIS)",
            Self::TakPackage => "TAK data package (ATAK, WinTAK)",
        }
    }

    /// MIME type of the exported file.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::GeoJson => "application/geo+json",
            Self::Csv => "text/csv",
            Self::Html => "text/html",
            Self::Kml => "application/vnd.google-earth.kml+xml",
            Self::GeoPackage => "application/geopackage+sqlite3",
            Self::TakPackage => "application/zip",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for ExportFormat {
    type Err = ExportError;
    /// Accepts a format name or extension: geojson, json, csv, html, htm, kml (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_extension(s.trim()).ok_or_else(|| ExportError::UnknownFormat(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("cannot write the CSV export: {0}")]
    Csv(String),
    #[error("cannot write the GeoJSON export: {0}")]
    Json(String),
    #[error("cannot write the {0}")]
    Binary(String),
    #[error("{0} is a binary format: write it to a file, not to stdout")]
    NotText(&'static str),
    #[error("unknown export format “{0}”: use geojson, csv, html, kml, gpkg or takpkg")]
    UnknownFormat(String),
}

/// Coverage figures to export instead of the range model's: line of sight over elevation data.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageBasis {
    /// Coverage at the end of stages 2 and 3.
    pub stage2: crate::model::Coverage,
    pub stage3: crate::model::Coverage,
    /// The rule findings with these gaps.
    pub findings: Vec<crate::model::Finding>,
    /// Which DEM and model produced them, one line.
    pub label: String,
}

/// What the coverage of an export is based on, one line.
pub(crate) fn basis_label(basis: Option<&CoverageBasis>) -> String {
    basis.map_or_else(|| "Coverage by range along the border (no terrain)".to_owned(), |b| b.label.clone())
}

/// The stage-3 gaps of an export.
pub(crate) fn stage3_gaps(plan: &Plan, basis: Option<&CoverageBasis>) -> Vec<(f64, f64)> {
    basis.map_or_else(|| crate::model::stage_coverage(plan, Stage::Three).gaps, |b| b.stage3.gaps.clone())
}

/// The plan in `format`, as text.
///
/// # Errors
/// [`ExportError::Csv`] / [`ExportError::Json`] when serialisation fails (not expected for valid plans),
/// [`ExportError::NotText`] for a binary format (GeoPackage).
pub fn export_to_string(plan: &Plan, format: ExportFormat) -> Result<String, ExportError> {
    export_to_string_with(plan, format, None)
}

/// As [`export_to_string`], with coverage from `basis` (line of sight) when given.
///
/// # Errors
/// As [`export_to_string`].
pub fn export_to_string_with(
    plan: &Plan,
    format: ExportFormat,
    basis: Option<&CoverageBasis>,
) -> Result<String, ExportError> {
    match format {
        ExportFormat::GeoJson => serde_json::to_string_pretty(&self::geojson::to_value_with(plan, basis))
            .map_err(|e| ExportError::Json(e.to_string())),
        ExportFormat::Csv => self::csv::to_string(plan),
        ExportFormat::Kml => Ok(self::kml::to_string_with(plan, basis)),
        ExportFormat::GeoPackage | ExportFormat::TakPackage => Err(ExportError::NotText(format.label())),
        ExportFormat::Html => {
            // The reference layers are compiled in; without them the map just lacks provinces, rivers and towns.
            let base = super::bundled::base_data().ok();
            Ok(self::html::report_with(plan, base.as_ref(), &self::html::now_utc_label(), basis))
        }
    }
}

/// As [`export_to_file`], with coverage from `basis` when given, under the write policy for `kind` (an export is
/// [`WriteKind::Output`]: it never replaces a plan file; [`WriteKind::OutputOverPlan`] when the user said so).
///
/// # Errors
/// As [`export_to_file`].
pub fn export_to_file_with(
    plan: &Plan,
    format: ExportFormat,
    path: &Path,
    basis: Option<&CoverageBasis>,
    kind: WriteKind,
) -> Result<(), ExportError> {
    let bytes = match format {
        // SQLite writes the GeoPackage into its temp file beside the target.
        ExportFormat::GeoPackage => return self::gpkg::write_file(plan, basis, path, kind),
        ExportFormat::TakPackage => self::takpkg::to_bytes_with(plan, basis)?,
        _ => export_to_string_with(plan, format, basis)?.into_bytes(),
    };
    write_atomic(path, &bytes, kind)?;
    Ok(())
}

/// Writes the plan in `format` to `path` atomically (the previous file stays intact if anything fails). A plan
/// file is never replaced by an export (the write policy, [`WriteKind::Output`]).
///
/// # Errors
/// [`ExportError::File`] (naming the path) when the file cannot be written or is a plan file, otherwise as
/// [`export_to_string`].
pub fn export_to_file(plan: &Plan, format: ExportFormat, path: &Path) -> Result<(), ExportError> {
    export_to_file_with(plan, format, path, None, WriteKind::Output)
}

// ---- helpers shared by the exporters ----

pub(crate) use super::format::{fmt_qty, fmt_thousands, fmt_trim, fmt6, round3, round6};

/// "2", "3" or "unplanned": the earliest stage planned on a target.
pub(crate) fn stage_label(stage: Option<Stage>) -> String {
    stage.map(|s| s.number().to_string()).unwrap_or_else(|| "unplanned".to_owned())
}

/// Equipment name from the catalog, or the id when the type is unknown.
pub(crate) fn equipment_name<'a>(plan: &'a Plan, a: &'a Assignment) -> &'a str {
    plan.catalog.get(&a.equipment_id).map(|t| t.name.as_str()).unwrap_or(a.equipment_id.as_str())
}

/// Cost of an assignment where the unit cost is known.
pub(crate) fn assignment_cost(plan: &Plan, a: &Assignment) -> Option<f64> {
    plan.catalog.get(&a.equipment_id).and_then(|t| t.unit_cost_usd).map(|c| c * a.quantity)
}

/// "2× Thermal camera tower" or, for per-km equipment, "20.3 km Border fence".
pub(crate) fn quantity_phrase(plan: &Plan, a: &Assignment) -> String {
    let name = equipment_name(plan, a);
    let per_km = plan.catalog.get(&a.equipment_id).is_some_and(crate::model::EquipmentType::is_per_km);
    if per_km { format!("{} km {name}", fmt_qty(a.quantity)) } else { format!("{}× {name}", fmt_qty(a.quantity)) }
}

/// Plain-text summary of what a target gets: "2× Thermal camera tower (S2, 2026-Q2); 12× VHF radio (S2, 2026-Q2)".
pub(crate) fn equipment_summary(plan: &Plan, target: &Target) -> String {
    plan.assignments_for(target)
        .map(|a| format!("{} (S{}, {})", quantity_phrase(plan, a), a.stage.number(), a.quarter))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Escapes text for XML and HTML content and attribute values (`&<>"'`). Characters XML 1.0 forbids
/// (C0 controls other than tab, newline and carriage return) are dropped.
pub(crate) fn escape_xml(s: &str) -> std::borrow::Cow<'_, str> {
    // Most plan strings need nothing: borrowed as they are, no copy (a KML export escapes ~30 strings per
    // assignment, 1.5 million at 50,000 rows).
    let plain = |b: &u8| {
        !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0xEF) && (*b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'))
    };
    if s.as_bytes().iter().all(plain) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Geometry of a target: a point for an outpost, the border substring for a segment.
pub(crate) enum TargetGeometry {
    Point(f64, f64),
    Line(Vec<(f64, f64)>),
}

pub(crate) fn target_geometry(plan: &Plan, target: &Target) -> Option<TargetGeometry> {
    match target {
        Target::Outpost(id) => plan.outpost(id).map(|o| TargetGeometry::Point(o.position.x(), o.position.y())),
        Target::Segment(id) => plan.segments.get(id).map(|s| {
            TargetGeometry::Line(plan.border.substring(s.from_km, s.to_km).0.iter().map(|c| (c.x, c.y)).collect())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(escape_xml("<a href=\"x\">'&'</a>\u{1}"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(ExportFormat::from_extension("GeoJSON"), Some(ExportFormat::GeoJson));
        assert_eq!(ExportFormat::from_path(Path::new("a/b.KML")), Some(ExportFormat::Kml));
        assert_eq!(ExportFormat::from_path(Path::new("report")), None);
        assert!("shp".parse::<ExportFormat>().is_err());
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_extension(f.extension()), Some(f));
        }
    }
}
