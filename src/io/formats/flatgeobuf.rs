//! FlatGeobuf (`.fgb`, version 3): the magic bytes, the size-prefixed header flatbuffer (name, geometry type,
//! columns, CRS, feature count, index node size), the packed Hilbert R-tree when there is one (skipped: every
//! feature is read), then one size-prefixed feature flatbuffer per feature (geometry as `ends`/`xy`/`z`/`parts`,
//! properties as a column index and a typed value each). Read with [`super::flatbuf`], which checks every
//! offset, so a broken file is an error or a skipped feature naming the byte, never a panic.
//!
//! The header's CRS is reprojected with [`crate::io::reproject`] (by EPSG code, else by its WKT); an unknown CRS
//! is a warning and the features are skipped rather than placed wrongly.

use std::path::Path;

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};

use super::FormatError;
use super::builder::LayerBuilder;
use super::flatbuf::Table;
use crate::io::layer::Layer;
use crate::io::reproject::Crs;

const FORMAT: &str = "FlatGeobuf";

/// The first three bytes and the fifth to seventh of every FlatGeobuf file ("fgb", version, "fgb", patch).
pub const MAGIC: [u8; 3] = *b"fgb";

const MAX_DEPTH: usize = 32;

/// Whether `head` starts like a FlatGeobuf file.
#[must_use]
pub fn is_flatgeobuf(head: &[u8]) -> bool {
    head.len() >= 8 && head[..3] == MAGIC && head[4..7] == MAGIC
}

/// The type of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Byte,
    UByte,
    Bool,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    Float,
    Double,
    String,
    Json,
    DateTime,
    Binary,
}

impl ColumnType {
    fn from_code(code: u8) -> Option<Self> {
        use ColumnType as C;
        [
            C::Byte,
            C::UByte,
            C::Bool,
            C::Short,
            C::UShort,
            C::Int,
            C::UInt,
            C::Long,
            C::ULong,
            C::Float,
            C::Double,
            C::String,
            C::Json,
            C::DateTime,
            C::Binary,
        ]
        .get(usize::from(code))
        .copied()
    }
}

/// A column of the header.
struct Column {
    name: String,
    kind: ColumnType,
}

/// What the header says.
struct Header {
    geometry_type: u8,
    has_z: bool,
    columns: Vec<Column>,
    features_count: u64,
    index_node_size: u16,
    /// (organisation, code, WKT) of the CRS table, when there is one.
    crs: Option<(String, i32, String)>,
}

/// The size in bytes of the packed Hilbert R-tree for `items` features and nodes of `node_size` (the
/// FlatGeobuf reference `calcTreeSize`: every level down to the root, 40 bytes a node).
fn index_bytes(items: u64, node_size: u16) -> Option<u64> {
    if node_size == 0 || items == 0 {
        return Some(0);
    }
    let node_size = u64::from(node_size.max(2));
    let mut n = items;
    let mut nodes = n;
    loop {
        n = n.div_ceil(node_size);
        nodes = nodes.checked_add(n)?;
        if n == 1 {
            break;
        }
    }
    nodes.checked_mul(40)
}

fn read_header(table: Table<'_>) -> Result<Header, super::flatbuf::BufError> {
    let mut columns = Vec::new();
    for (i, c) in table.tables(7)?.into_iter().enumerate() {
        let name = c.string(0)?.unwrap_or_else(|| format!("column{i}"));
        let code = c.u8(1, 0)?;
        columns.push(Column { name, kind: ColumnType::from_code(code).unwrap_or(ColumnType::Binary) });
    }
    let crs = match table.table(10)? {
        None => None,
        Some(crs) => {
            let org = crs.string(0)?.unwrap_or_else(|| "EPSG".to_owned());
            Some((org, crs.i32(1, 0)?, crs.string(4)?.unwrap_or_default()))
        }
    };
    Ok(Header {
        geometry_type: table.u8(2, 0)?,
        has_z: table.u8(3, 0)? != 0,
        columns,
        features_count: table.u64(8, 0)?,
        index_node_size: table.u16(9, 16)?,
        crs,
    })
}

/// Reads the FlatGeobuf file at `path` (its bytes are `bytes`) into one layer.
///
/// # Errors
/// [`FormatError::Invalid`] naming the byte when the magic bytes, the header or the index are broken.
pub fn import(path: &Path, bytes: &[u8]) -> Result<Layer, FormatError> {
    let invalid = |reason: String| FormatError::Invalid { path: path.to_path_buf(), format: FORMAT, reason };
    if !is_flatgeobuf(bytes) {
        return Err(invalid("it does not start with the FlatGeobuf magic bytes “fgb\\x03fgb”".to_owned()));
    }
    if bytes[3] != 3 {
        return Err(invalid(format!("FlatGeobuf version {} is not supported (only version 3)", bytes[3])));
    }
    let header_len =
        u32_le(bytes, 8).ok_or_else(|| invalid("the file ends before the header size (byte 8)".to_owned()))?;
    let header_start = 12usize;
    let header_end = header_start.saturating_add(header_len as usize);
    let header_buf = bytes.get(header_start..header_end).ok_or_else(|| {
        invalid(format!(
            "the header (bytes {header_start}–{header_end}) runs past the end of the file ({} bytes): truncated?",
            bytes.len()
        ))
    })?;
    let header = Table::root(header_buf).and_then(read_header).map_err(|e| {
        invalid(format!("the header is corrupt: {} (byte {} of the file)", e.what, header_start + e.at))
    })?;
    let index = index_bytes(header.features_count, header.index_node_size)
        .ok_or_else(|| invalid(format!("the header's feature count {} is impossible", header.features_count)))?;
    let features_start = (header_end as u64).saturating_add(index);
    if header.index_node_size > 0 && features_start > bytes.len() as u64 {
        return Err(invalid(format!(
            "the spatial index of {} features (bytes {header_end}–{features_start}) runs past the end of the file \
             ({} bytes): truncated?",
            header.features_count,
            bytes.len()
        )));
    }
    let mut builder = LayerBuilder::new();
    let transform = crs(&header, &mut builder);
    let mut at = usize::try_from(features_start).unwrap_or(usize::MAX);
    let mut index = 0usize;
    while at < bytes.len() {
        let Some(len) = u32_le(bytes, at) else {
            builder.skip(format!("the file ends inside the size of feature {index} (byte {at}): truncated?"));
            break;
        };
        let start = at + 4;
        let Some(feature) = start.checked_add(len as usize).and_then(|end| bytes.get(start..end)) else {
            builder.skip(format!(
                "feature {index} (bytes {start}–{}) runs past the end of the file ({} bytes): truncated?",
                start as u64 + u64::from(len),
                bytes.len()
            ));
            break;
        };
        at = start + len as usize;
        match read_feature(feature, &header) {
            Err(e) => builder.skip(format!("at byte {} of the file: {e}", start + e.at)),
            Ok((geometry, z, properties)) => match (&transform, geometry) {
                (Transform::Unknown, Some(_)) => builder.skip("the file's CRS is not known"),
                (Transform::To(crs), Some(g)) => match crs.to_wgs84_geometry(&g) {
                    Ok(g) => builder.push(Some(g), z, properties),
                    Err(e) => builder.skip(e),
                },
                (_, geometry) => builder.push(geometry, z, properties),
            },
        }
        index += 1;
    }
    if header.features_count > 0 && index as u64 != header.features_count {
        builder.warn(format!("the header announces {} features but the file holds {index}", header.features_count));
    }
    Ok(builder.finish(&super::layer_name(path), Some(path), bytes.len() as u64))
}

enum Transform {
    None,
    To(Crs),
    Unknown,
}

fn crs(header: &Header, builder: &mut LayerBuilder) -> Transform {
    let Some((org, code, wkt)) = &header.crs else { return Transform::None };
    let result = if org.eq_ignore_ascii_case("epsg") && *code != 0 {
        Crs::from_epsg(i64::from(*code)).map_err(|e| e.to_string())
    } else if !wkt.is_empty() {
        Crs::from_wkt(wkt).map_err(|e| e.to_string())
    } else if *code == 0 || (org.eq_ignore_ascii_case("ogc") && *code == 84) {
        Ok(None)
    } else {
        Err(crate::io::reproject::UnknownCrs(format!("{org}:{code}")).to_string())
    };
    match result {
        Ok(None) => Transform::None,
        Ok(Some(crs)) => {
            builder.note(format!("reprojected from {} to WGS84", crs.name()));
            Transform::To(crs)
        }
        Err(unknown) => {
            builder.warn(format!("{unknown}; its features are skipped rather than placed wrongly"));
            Transform::Unknown
        }
    }
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).and_then(|s| <[u8; 4]>::try_from(s).ok()).map(u32::from_le_bytes)
}

/// Why a feature cannot be read, at a byte of its flatbuffer.
#[derive(Debug)]
struct FeatureError {
    reason: String,
    at: usize,
}

impl std::fmt::Display for FeatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl From<super::flatbuf::BufError> for FeatureError {
    fn from(e: super::flatbuf::BufError) -> Self {
        Self { reason: format!("the feature is corrupt: {} is out of bounds", e.what), at: e.at }
    }
}

type Feature = (Option<Geometry<f64>>, Option<Vec<f64>>, Map<String, Value>);

fn read_feature(buf: &[u8], header: &Header) -> Result<Feature, FeatureError> {
    let table = Table::root(buf)?;
    let properties = properties(table.bytes(1)?, &header.columns)
        .map_err(|(reason, at)| FeatureError { reason, at: table_bytes_start(buf, &table, at) })?;
    let mut z = Vec::new();
    let geometry = match table.table(0)? {
        None => None,
        Some(g) => geometry(g, header.geometry_type, &mut z, 0).map_err(|reason| FeatureError { reason, at: 0 })?,
    };
    // The header's has_z is not always set when features carry z (GDAL leaves it off in some indexed files), so
    // z values found in the feature count too.
    let z = ((header.has_z || z.iter().any(|v| !v.is_nan())) && geometry.is_some()).then_some(z);
    Ok((geometry, z, properties))
}

/// Where byte `at` of the properties vector lies in the feature buffer (for messages).
fn table_bytes_start(buf: &[u8], table: &Table<'_>, at: usize) -> usize {
    let props = table.bytes(1).unwrap_or_default();
    let start = (props.as_ptr() as usize).saturating_sub(buf.as_ptr() as usize);
    start + at
}

/// Coordinates from `xy`, with their z values appended to `z` (NaN when the geometry has none).
fn coords(xy: &[f64], zs: &[f64], from: usize, to: usize, z: &mut Vec<f64>) -> Result<Vec<Coord<f64>>, String> {
    if to > xy.len() / 2 || from > to {
        return Err(format!("the geometry's ends ({from}–{to}) run past its {} coordinates", xy.len() / 2));
    }
    z.extend((from..to).map(|i| zs.get(i).copied().unwrap_or(f64::NAN)));
    Ok((from..to).map(|i| Coord { x: xy[2 * i], y: xy[2 * i + 1] }).collect())
}

/// The rings or lines of a geometry split at its `ends` (one when there are none).
fn split(g: &Table<'_>, z: &mut Vec<f64>) -> Result<Vec<LineString<f64>>, String> {
    let reason = |e: super::flatbuf::BufError| format!("the geometry is corrupt: {} is out of bounds", e.what);
    let xy = g.f64s(1).map_err(reason)?;
    let zs = g.f64s(2).map_err(reason)?;
    let ends = g.u32s(0).map_err(reason)?;
    let n = xy.len() / 2;
    let ends: Vec<usize> = if ends.is_empty() { vec![n] } else { ends.into_iter().map(|e| e as usize).collect() };
    let mut from = 0;
    let mut out = Vec::with_capacity(ends.len());
    for end in ends {
        out.push(LineString(coords(&xy, &zs, from, end, z)?));
        from = end;
    }
    Ok(out)
}

fn geometry(g: Table<'_>, header_type: u8, z: &mut Vec<f64>, depth: usize) -> Result<Option<Geometry<f64>>, String> {
    if depth > MAX_DEPTH {
        return Err(format!("geometry parts nested more than {MAX_DEPTH} deep"));
    }
    let reason = |e: super::flatbuf::BufError| format!("the geometry is corrupt: {} is out of bounds", e.what);
    let kind = if header_type == 0 { g.u8(6, 0).map_err(reason)? } else { header_type };
    let polygon = |rings: Vec<LineString<f64>>| {
        let mut rings = rings.into_iter().filter(|r| !r.0.is_empty());
        rings.next().map(|outer| Polygon::new(outer, rings.collect()))
    };
    let out = match kind {
        1 => {
            let xy = g.f64s(1).map_err(reason)?;
            let zs = g.f64s(2).map_err(reason)?;
            let c = coords(&xy, &zs, 0, (xy.len() / 2).min(1), z)?;
            c.first().filter(|c| !(c.x.is_nan() && c.y.is_nan())).map(|c| Geometry::Point(Point(*c)))
        }
        2 => {
            let xy = g.f64s(1).map_err(reason)?;
            let zs = g.f64s(2).map_err(reason)?;
            let c = coords(&xy, &zs, 0, xy.len() / 2, z)?;
            (!c.is_empty()).then_some(Geometry::LineString(LineString(c)))
        }
        3 => polygon(split(&g, z)?).map(Geometry::Polygon),
        4 => {
            let xy = g.f64s(1).map_err(reason)?;
            let zs = g.f64s(2).map_err(reason)?;
            let c = coords(&xy, &zs, 0, xy.len() / 2, z)?;
            (!c.is_empty()).then(|| Geometry::MultiPoint(MultiPoint(c.into_iter().map(Point).collect())))
        }
        5 => {
            let lines: Vec<_> = split(&g, z)?.into_iter().filter(|l| !l.0.is_empty()).collect();
            (!lines.is_empty()).then_some(Geometry::MultiLineString(MultiLineString(lines)))
        }
        6 => {
            let mut polygons = Vec::new();
            for part in g.tables(7).map_err(reason)? {
                if let Some(Geometry::Polygon(p)) = geometry(part, 3, z, depth + 1)? {
                    polygons.push(p);
                }
            }
            (!polygons.is_empty()).then_some(Geometry::MultiPolygon(MultiPolygon(polygons)))
        }
        7 => {
            let mut parts = Vec::new();
            for part in g.tables(7).map_err(reason)? {
                parts.extend(geometry(part, 0, z, depth + 1)?);
            }
            (!parts.is_empty()).then_some(Geometry::GeometryCollection(GeometryCollection(parts)))
        }
        0 => return Err("the geometry has no type (Unknown in both the header and the feature)".to_owned()),
        other => return Err(format!("FlatGeobuf geometry type {other} is not supported (curves, TIN?)")),
    };
    Ok(out)
}

/// The properties of a feature: (u16 column index, value) pairs, typed by the header's columns. Errors give a
/// reason and the byte of the properties vector.
fn properties(b: &[u8], columns: &[Column]) -> Result<Map<String, Value>, (String, usize)> {
    let mut out = Map::new();
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize, what: &str| -> Result<&[u8], (String, usize)> {
        let s = b.get(*at..at.saturating_add(n)).ok_or_else(|| (format!("the properties end inside {what}"), *at))?;
        *at += n;
        Ok(s)
    };
    while at < b.len() {
        let start = at;
        let i = take(&mut at, 2, "a column index")?;
        let i = usize::from(u16::from_le_bytes([i[0], i[1]]));
        let column = columns
            .get(i)
            .ok_or_else(|| (format!("property column {i} is not in the header's {} columns", columns.len()), start))?;
        let mut fixed = |n: usize| take(&mut at, n, &column.name).map(<[u8]>::to_vec);
        let value = match column.kind {
            ColumnType::Byte => Value::from(i8::from_le_bytes([fixed(1)?[0]])),
            ColumnType::UByte => Value::from(fixed(1)?[0]),
            ColumnType::Bool => Value::from(fixed(1)?[0] != 0),
            ColumnType::Short => Value::from(i16::from_le_bytes(arr(&fixed(2)?))),
            ColumnType::UShort => Value::from(u16::from_le_bytes(arr(&fixed(2)?))),
            ColumnType::Int => Value::from(i32::from_le_bytes(arr(&fixed(4)?))),
            ColumnType::UInt => Value::from(u32::from_le_bytes(arr(&fixed(4)?))),
            ColumnType::Long => Value::from(i64::from_le_bytes(arr(&fixed(8)?))),
            ColumnType::ULong => Value::from(u64::from_le_bytes(arr(&fixed(8)?))),
            ColumnType::Float => number(f64::from(f32::from_le_bytes(arr(&fixed(4)?)))),
            ColumnType::Double => number(f64::from_le_bytes(arr(&fixed(8)?))),
            ColumnType::String | ColumnType::Json | ColumnType::DateTime | ColumnType::Binary => {
                let len = u32::from_le_bytes(arr(&fixed(4)?)) as usize;
                let raw = take(&mut at, len, &column.name)?;
                match column.kind {
                    ColumnType::Binary => continue,
                    ColumnType::Json => serde_json::from_slice(raw)
                        .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(raw).into_owned())),
                    _ => Value::from(String::from_utf8_lossy(raw).into_owned()),
                }
            }
        };
        out.insert(column.name.clone(), value);
    }
    Ok(out)
}

fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, v) in out.iter_mut().zip(b) {
        *o = *v;
    }
    out
}

fn number(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_index_size_counts_every_level_down_to_the_root() {
        // 16 items with nodes of 16: one leaf level (16) and the root (1).
        assert_eq!(index_bytes(16, 16), Some(17 * 40));
        // 17 items: 17 + 2 + 1 nodes.
        assert_eq!(index_bytes(17, 16), Some(20 * 40));
        assert_eq!(index_bytes(1, 16), Some(2 * 40));
        assert_eq!(index_bytes(5, 0), Some(0));
        assert_eq!(index_bytes(u64::MAX, 2), None);
    }

    #[test]
    fn properties_read_by_column_type_and_a_cut_value_names_its_byte() {
        let columns = vec![
            Column { name: "n".to_owned(), kind: ColumnType::Int },
            Column { name: "s".to_owned(), kind: ColumnType::String },
        ];
        let mut b = vec![0, 0];
        b.extend_from_slice(&42i32.to_le_bytes());
        b.extend_from_slice(&[1, 0, 4, 0, 0, 0]);
        b.extend_from_slice("ош".as_bytes());
        let p = properties(&b, &columns).unwrap();
        assert_eq!(p.get("n"), Some(&Value::from(42)));
        assert_eq!(p.get("s"), Some(&Value::from("ош")));
        let (reason, at) = properties(&b[..4], &columns).unwrap_err();
        assert!(reason.contains("inside n") && at == 2, "{reason} {at}");
        assert!(properties(&[9, 0], &columns).unwrap_err().0.contains("column 9"));
    }
}
