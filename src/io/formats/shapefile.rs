//! ESRI Shapefile: the `.shp` geometries with the `.dbf` attributes, the code page from the `.cpg` (or the
//! DBF's language driver byte; Windows-1251 for Cyrillic is common) and the CRS from the `.prj`, reprojected to
//! WGS84 when it is a grid [`crate::io::reproject`] knows. Also read from a `.zip` holding the parts. Every
//! length and count in the file is checked against the bytes there, so a broken file is an error or a skipped
//! record with a reason, never a panic.

use std::path::Path;

use encoding_rs::Encoding;
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};

use super::FormatError;
use super::builder::LayerBuilder;
use crate::io::layer::Layer;
use crate::io::reproject::Crs;

const FORMAT: &str = "Shapefile";

/// The parts of one shapefile, read into memory.
pub struct Parts {
    pub shp: Vec<u8>,
    pub dbf: Option<Vec<u8>>,
    pub prj: Option<String>,
    pub cpg: Option<String>,
}

/// Reads `path.shp` and its siblings (`.dbf`, `.prj`, `.cpg`, in any case of extension).
///
/// # Errors
/// As [`read_parts`]; [`FormatError::Io`] when the `.shp` cannot be read.
pub fn import(path: &Path) -> Result<Layer, FormatError> {
    let shp = super::read_whole(path)?;
    let sibling = |ext: &str| {
        [ext.to_owned(), ext.to_ascii_uppercase()].iter().find_map(|e| std::fs::read(path.with_extension(e)).ok())
    };
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    let parts = Parts { shp, dbf: sibling("dbf"), prj: sibling("prj").map(text), cpg: sibling("cpg").map(text) };
    read_parts(path, &super::layer_name(path), &parts)
}

/// Reads a shapefile from its parts; `path` names it in messages.
///
/// # Errors
/// [`FormatError::Invalid`] when the `.shp` header is not a shapefile's or the `.dbf` header is broken.
pub fn read_parts(path: &Path, name: &str, parts: &Parts) -> Result<Layer, FormatError> {
    let invalid = |reason: String| FormatError::Invalid { path: path.to_path_buf(), format: FORMAT, reason };
    let shp = &parts.shp;
    if shp.len() < 100 || shp.get(..4) != Some(&[0, 0, 0x27, 0x0A][..]) {
        return Err(invalid("the .shp does not start with the shapefile header (file code 9994)".to_owned()));
    }
    let mut builder = LayerBuilder::new();
    let encoding = encoding_for(parts, &mut builder);
    let dbf = match &parts.dbf {
        Some(bytes) => Some(Dbf::parse(bytes).map_err(|e| invalid(format!("the .dbf: {e}")))?),
        None => {
            builder.warn("no .dbf next to the .shp: the features have no attributes");
            None
        }
    };
    let crs = match &parts.prj {
        None => {
            builder.warn("no .prj next to the .shp: coordinates are read as WGS84 longitude/latitude");
            None
        }
        Some(wkt) => match Crs::from_wkt(wkt) {
            Ok(None) => None,
            Ok(Some(crs)) => {
                builder.note(format!("reprojected from {} to WGS84", crs.name()));
                Some(crs)
            }
            Err(unknown) => {
                builder.warn(format!("{unknown}; coordinates outside longitude/latitude are skipped"));
                None
            }
        },
    };
    let mut at = 100;
    let mut record = 0usize;
    while at + 8 <= shp.len() {
        let words = u32::from_be_bytes([shp[at + 4], shp[at + 5], shp[at + 6], shp[at + 7]]) as usize;
        let start = at + 8;
        let Some(content) = shp.get(start..start + 2 * words) else {
            builder.skip(format!("record {} runs past the end of the .shp (truncated file?)", record + 1));
            break;
        };
        at = start + 2 * words;
        let properties = dbf.as_ref().map(|d| d.record(record, encoding)).unwrap_or_default();
        record += 1;
        match shape(content) {
            Ok(None) => builder.push(None, None, properties),
            Ok(Some((g, z))) => match crs.as_ref().map_or(Ok(g.clone()), |c| c.to_wgs84_geometry(&g)) {
                Ok(g) => builder.push(Some(g), z, properties),
                Err(e) => builder.skip(e),
            },
            Err(e) => builder.skip(e),
        }
    }
    Ok(builder.finish(name, Some(path), shp.len() as u64))
}

/// The code page: the `.cpg`, else the DBF language driver byte, else UTF-8 (with Windows-1251 when the text
/// is not UTF-8).
fn encoding_for(parts: &Parts, builder: &mut LayerBuilder) -> &'static Encoding {
    if let Some(cpg) = &parts.cpg {
        let label = cpg.trim().to_ascii_lowercase();
        let label = label.trim_start_matches("ansi ").trim_start_matches("cp");
        let label = if label.chars().all(|c| c.is_ascii_digit()) && label.len() == 4 && label.starts_with("125") {
            format!("windows-{label}")
        } else if label == "866" {
            "ibm866".to_owned()
        } else {
            label.to_owned()
        };
        match Encoding::for_label(label.as_bytes()) {
            Some(e) => return e,
            None => {
                builder.warn(format!("the .cpg names the unknown code page “{}”; text is read as UTF-8", cpg.trim()))
            }
        }
    }
    match parts.dbf.as_ref().and_then(|d| d.get(29)).copied() {
        Some(0xC9) => encoding_rs::WINDOWS_1251,
        Some(0x26 | 0x65) => encoding_rs::IBM866,
        Some(0x57 | 0x03) => encoding_rs::WINDOWS_1252,
        _ => encoding_rs::UTF_8,
    }
}

fn f64_at(b: &[u8], at: usize) -> Option<f64> {
    b.get(at..at + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()).map(f64::from_le_bytes)
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    b.get(at..at + 4).and_then(|s| <[u8; 4]>::try_from(s).ok()).map(i32::from_le_bytes)
}

/// One record's geometry and z values.
fn shape(c: &[u8]) -> Result<super::wkb::Parsed, String> {
    let short = || "a record is shorter than its shape needs".to_owned();
    let kind = i32_at(c, 0).ok_or_else(short)?;
    let has_z = matches!(kind, 11 | 13 | 15 | 18);
    match kind {
        0 => Ok(None),
        1 | 11 | 21 => {
            let (x, y) = (f64_at(c, 4).ok_or_else(short)?, f64_at(c, 12).ok_or_else(short)?);
            let z = if has_z { Some(vec![f64_at(c, 20).ok_or_else(short)?]) } else { None };
            Ok(Some((Geometry::Point(Point::new(x, y)), z)))
        }
        3 | 13 | 23 | 5 | 15 | 25 | 8 | 18 | 28 => {
            let multipoint = matches!(kind, 8 | 18 | 28);
            let (parts_n, points_n, parts_at) = if multipoint {
                (0usize, i32_at(c, 36).ok_or_else(short)?.max(0) as usize, 40)
            } else {
                (i32_at(c, 36).ok_or_else(short)?.max(0) as usize, i32_at(c, 40).ok_or_else(short)?.max(0) as usize, 44)
            };
            let points_at = parts_at + 4 * parts_n;
            if points_at + 16 * points_n > c.len() {
                return Err(format!("a record says {points_n} points but is only {} bytes long", c.len()));
            }
            let coords: Vec<Coord<f64>> = (0..points_n)
                .map(|i| Coord {
                    x: f64_at(c, points_at + 16 * i).unwrap_or(f64::NAN),
                    y: f64_at(c, points_at + 16 * i + 8).unwrap_or(f64::NAN),
                })
                .collect();
            let z_at = points_at + 16 * points_n + 16;
            let z =
                if has_z { (0..points_n).map(|i| f64_at(c, z_at + 8 * i)).collect::<Option<Vec<f64>>>() } else { None };
            if multipoint {
                return Ok((!coords.is_empty())
                    .then(|| (Geometry::MultiPoint(MultiPoint(coords.into_iter().map(Point).collect())), z)));
            }
            let mut starts: Vec<usize> =
                (0..parts_n).filter_map(|i| i32_at(c, parts_at + 4 * i)).map(|s| s.max(0) as usize).collect();
            starts.push(points_n);
            if starts.windows(2).any(|w| w[0] > w[1]) {
                return Err("the part offsets of a record are not in order".to_owned());
            }
            let rings: Vec<Vec<Coord<f64>>> =
                starts.windows(2).map(|w| coords[w[0]..w[1]].to_vec()).filter(|r| !r.is_empty()).collect();
            if rings.is_empty() {
                return Ok(None);
            }
            let g = if matches!(kind, 3 | 13 | 23) {
                let mut lines: Vec<LineString<f64>> = rings.into_iter().map(LineString).collect();
                if lines.len() == 1 {
                    Geometry::LineString(lines.remove(0))
                } else {
                    Geometry::MultiLineString(MultiLineString(lines))
                }
            } else {
                polygons(rings)
            };
            // z follows the coordinates in order; polygons keep the ring order, so it still lines up.
            Ok(Some((g, z)))
        }
        31 => Err("MultiPatch shapes are not supported".to_owned()),
        other => Err(format!("shape type {other} is not a shapefile shape type")),
    }
}

/// Rings to polygons: clockwise rings are outer rings, counter-clockwise rings holes of the outer ring before.
fn polygons(rings: Vec<Vec<Coord<f64>>>) -> Geometry<f64> {
    let signed_area = |r: &[Coord<f64>]| r.windows(2).map(|w| w[0].x * w[1].y - w[1].x * w[0].y).sum::<f64>() / 2.0;
    let mut out: Vec<Polygon<f64>> = Vec::new();
    for ring in rings {
        let hole = signed_area(&ring) > 0.0 && !out.is_empty();
        if hole {
            if let Some(last) = out.last_mut() {
                last.interiors_push(LineString(ring));
            }
        } else {
            out.push(Polygon::new(LineString(ring), vec![]));
        }
    }
    if out.len() == 1 { Geometry::Polygon(out.remove(0)) } else { Geometry::MultiPolygon(MultiPolygon(out)) }
}

/// A dBASE table: its field descriptors and where its records are.
struct Dbf<'a> {
    bytes: &'a [u8],
    records: usize,
    header_len: usize,
    record_len: usize,
    /// Name bytes, type, offset in the record, length, decimals.
    fields: Vec<(Vec<u8>, u8, usize, usize, u8)>,
}

impl<'a> Dbf<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.len() < 32 {
            return Err("shorter than a dBASE header".to_owned());
        }
        let records = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        let record_len = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
        let mut fields = Vec::new();
        let mut at = 32;
        let mut offset = 1;
        while at + 32 <= bytes.len().min(header_len) && bytes[at] != 0x0D {
            let d = &bytes[at..at + 32];
            let name: Vec<u8> = d[..11].iter().copied().take_while(|b| *b != 0).collect();
            let len = usize::from(d[16]);
            fields.push((name, d[11], offset, len, d[17]));
            offset += len;
            at += 32;
        }
        if offset > record_len.max(1) {
            return Err(format!("the fields need {offset} bytes but a record has {record_len}"));
        }
        Ok(Self { bytes, records, header_len, record_len, fields })
    }

    fn record(&self, i: usize, encoding: &'static Encoding) -> Map<String, Value> {
        let mut out = Map::new();
        if i >= self.records {
            return out;
        }
        let start = self.header_len + i * self.record_len;
        let Some(rec) = self.bytes.get(start..start + self.record_len) else { return out };
        for (name, kind, offset, len, decimals) in &self.fields {
            let name = encoding.decode_without_bom_handling(name).0.trim().to_owned();
            let raw = rec.get(*offset..offset + len).unwrap_or_default();
            let text = encoding.decode_without_bom_handling(raw).0.trim().to_owned();
            let value = match kind {
                b'N' | b'F' => {
                    if text.is_empty() || text.starts_with('*') {
                        Value::Null
                    } else if *decimals == 0
                        && let Ok(n) = text.parse::<i64>()
                    {
                        Value::from(n)
                    } else {
                        text.parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map_or(Value::Null, Value::Number)
                    }
                }
                b'L' => match text.chars().next() {
                    Some('T' | 't' | 'Y' | 'y') => Value::Bool(true),
                    Some('F' | 'f' | 'N' | 'n') => Value::Bool(false),
                    _ => Value::Null,
                },
                b'D' if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) => {
                    Value::from(format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]))
                }
                _ if text.is_empty() => Value::Null,
                _ => Value::from(text),
            };
            out.insert(name, value);
        }
        out
    }
}
