//! TAK data package (ATAK / WinTAK "mission package"): a zip with `MANIFEST/manifest.xml` listing every entry,
//! the whole plan as `plan.kml`, one KML per stage (`stages/stage-N.kml`, with the coverage gaps in stage 3's)
//! and one per outpost that has assignments (`outposts/<id>.kml`). Field teams import the zip as it is.

use std::io::Write;

use zip::write::SimpleFileOptions;

use super::{ExportError, escape_xml};
use crate::model::{Plan, Stage, Target};

/// File name part for an id: letters, digits, `-`, `_` and `.` kept, anything else `_`.
fn file_part(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// A stable UUID-shaped id for the package, from the plan title (the same plan gives the same package id, so a
/// re-imported package replaces the old one on the device).
fn package_uid(plan: &Plan) -> String {
    // FNV-1a, 128 bits from two 64-bit hashes.
    let hash = |seed: u64| plan.meta.title.bytes().fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4));
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The entries of the package (path in the zip, content), manifest excluded.
#[must_use]
pub fn entries(plan: &Plan) -> Vec<(String, String)> {
    entries_with(plan, None)
}

/// As [`entries`], with the stage-3 gaps of `basis` (line of sight) when given.
#[must_use]
pub fn entries_with(plan: &Plan, basis: Option<&super::CoverageBasis>) -> Vec<(String, String)> {
    let mut out = vec![("plan.kml".to_owned(), super::kml::to_string_with(plan, basis))];
    for stage in Stage::ALL {
        if plan.assignments.iter().all(|a| a.stage != stage) {
            continue;
        }
        let name = format!("{} — stage {}", plan.meta.title, stage.number());
        out.push((
            format!("stages/stage-{}.kml", stage.number()),
            super::kml::document(
                plan,
                &name,
                |a: &crate::model::Assignment| a.stage == stage,
                stage == Stage::Three,
                basis,
            ),
        ));
    }
    for o in &plan.outposts {
        let target = Target::Outpost(o.id.clone());
        if plan.assignments_for(&target).next().is_none() {
            continue;
        }
        let name = format!("{} — {}", o.id, o.name);
        out.push((
            format!("outposts/{}.kml", file_part(&o.id)),
            super::kml::document(plan, &name, |a: &crate::model::Assignment| a.target == target, false, None),
        ));
    }
    out
}

/// `MANIFEST/manifest.xml` listing `paths`.
#[must_use]
pub fn manifest(plan: &Plan, paths: &[&str]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MissionPackageManifest version=\"2\">\n");
    out.push_str("  <Configuration>\n");
    out.push_str(&format!("    <Parameter name=\"uid\" value=\"{}\"/>\n", package_uid(plan)));
    out.push_str(&format!("    <Parameter name=\"name\" value=\"{}\"/>\n", escape_xml(&plan.meta.title)));
    out.push_str("  </Configuration>\n  <Contents>\n");
    for p in paths {
        out.push_str(&format!("    <Content ignore=\"false\" zipEntry=\"{}\"/>\n", escape_xml(p)));
    }
    out.push_str("  </Contents>\n</MissionPackageManifest>\n");
    out
}

/// The package as zip bytes.
///
/// # Errors
/// [`ExportError::Binary`] when the zip cannot be written (not expected in memory).
pub fn to_bytes(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    to_bytes_with(plan, None)
}

/// As [`to_bytes`], with the stage-3 gaps of `basis` when given.
///
/// # Errors
/// As [`to_bytes`].
pub fn to_bytes_with(plan: &Plan, basis: Option<&super::CoverageBasis>) -> Result<Vec<u8>, ExportError> {
    let err = |e: zip::result::ZipError| ExportError::Binary(format!("TAK data package: {e}"));
    let files = entries_with(plan, basis);
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let manifest = manifest(plan, &paths);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let io = |e: std::io::Error| ExportError::Binary(format!("TAK data package: {e}"));
    zip.start_file("MANIFEST/manifest.xml", options).map_err(err)?;
    zip.write_all(manifest.as_bytes()).map_err(io)?;
    for (path, text) in &files {
        zip.start_file(path.as_str(), options).map_err(err)?;
        zip.write_all(text.as_bytes()).map_err(io)?;
    }
    Ok(zip.finish().map_err(err)?.into_inner())
}
