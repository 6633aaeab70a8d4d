//! CSV (and other delimited text) with a WKT column or longitude/latitude columns.
//!
//! The delimiter is the one of `,` `;` tab `|` found most in the header line. Text is UTF-8 (a BOM is skipped);
//! a file that is not UTF-8 is read as Windows-1251, which Russian-language Excel writes, with a warning. The
//! geometry comes from a WKT column when there is one (`wkt`, `geometry`, `geom`, `the_geom`, `shape`, or a name
//! ending in `_wkt`), else from a latitude and a longitude column (`lat`/`lon`, `latitude`/`longitude`,
//! `lng`, `long`, `y`/`x`, `широта`/`долгота`, …); decimal commas are read when the delimiter is not a comma.
//! Which columns were taken is a note on the layer. Every column other than a WKT column is kept as a text
//! property, as GDAL does.

use std::path::Path;

use geo::{Geometry, Point};
use serde_json::{Map, Value};

use super::FormatError;
use super::builder::LayerBuilder;
use crate::io::layer::Layer;

const FORMAT: &str = "CSV";

/// Column names that hold WKT (compared after [`normalise`]).
const WKT_NAMES: [&str; 8] = ["wkt", "geometry", "geom", "the_geom", "wkt_geom", "shape", "геометрия", "geometry_wkt"];
/// Longitude column names, most specific first.
const LON_NAMES: [&str; 12] =
    ["longitude", "lon", "lng", "long", "lon_dd", "long_dd", "x", "долгота", "долг", "дол", "lon_deg", "xcoord"];
/// Latitude column names, most specific first.
const LAT_NAMES: [&str; 10] =
    ["latitude", "lat", "lat_dd", "y", "широта", "шир", "lat_deg", "ycoord", "latitud", "breite"];

/// A header cell reduced for matching: lower case, without a unit in brackets, spaces as `_`.
fn normalise(name: &str) -> String {
    let name = name.trim().trim_matches('"').trim_start_matches('\u{feff}');
    let name = name.split(['(', '[']).next().unwrap_or(name).trim();
    name.to_lowercase().replace([' ', '-'], "_")
}

fn find(names: &[String], wanted: &[&str]) -> Option<usize> {
    wanted.iter().find_map(|w| names.iter().position(|n| n == w))
}

/// The delimiter used most in the header line (outside quotes).
fn delimiter(text: &str) -> u8 {
    let line = text.lines().next().unwrap_or_default();
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            b',' => counts[0] += 1,
            b';' => counts[1] += 1,
            b'\t' => counts[2] += 1,
            b'|' => counts[3] += 1,
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|i| (counts[*i], usize::from(*i == 0))).unwrap_or(0);
    [b',', b';', b'\t', b'|'][best]
}

/// How a row's geometry is found.
enum Source {
    Wkt(usize),
    LonLat { lon: usize, lat: usize },
}

/// Reads `bytes` (the whole file at `path`).
///
/// # Errors
/// [`FormatError::Invalid`] when the file has no header or no column that can give a geometry (the message
/// lists the header), or a line cannot be split.
pub fn import(path: &Path, bytes: &[u8]) -> Result<Layer, FormatError> {
    let invalid = |reason: String| FormatError::Invalid { path: path.to_path_buf(), format: FORMAT, reason };
    let mut builder = LayerBuilder::new();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            builder.warn("the file is not UTF-8; it was read as Windows-1251 (Cyrillic)");
            encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0
        }
    };
    if text.trim().is_empty() {
        return Err(invalid("the file is empty".to_owned()));
    }
    let delim = delimiter(&text);
    let mut reader =
        ::csv::ReaderBuilder::new().delimiter(delim).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(format!("the header line cannot be read: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let wkt =
        find(&names, &WKT_NAMES).or_else(|| names.iter().position(|n| n.ends_with("_wkt") || n.starts_with("wkt_")));
    let lon = find(&names, &LON_NAMES);
    let lat = find(&names, &LAT_NAMES);
    let source = match (wkt, lon, lat) {
        (Some(w), _, _) => {
            builder.note(format!("geometry from the WKT column “{}”", headers[w]));
            Source::Wkt(w)
        }
        (None, Some(lon), Some(lat)) if lon != lat => {
            builder.note(format!(
                "points from the columns “{}” (longitude) and “{}” (latitude)",
                headers[lon], headers[lat]
            ));
            Source::LonLat { lon, lat }
        }
        _ => {
            let missing = match (lon, lat) {
                (Some(_), None) => "a longitude column but no latitude column",
                (None, Some(_)) => "a latitude column but no longitude column",
                _ => "no WKT column and no latitude/longitude columns",
            };
            return Err(invalid(format!(
                "{missing} (looked for wkt/geometry, or lat/lon, latitude/longitude, y/x, широта/долгота); the \
                 columns are: {}",
                headers.join(", ")
            )));
        }
    };
    let decimal_comma = delim != b',';
    let number = |cell: &str| -> Option<f64> {
        let cell = cell.trim();
        let cell = if decimal_comma { cell.replace(',', ".") } else { cell.to_owned() };
        cell.parse::<f64>().ok().filter(|v| v.is_finite())
    };
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let label = format!("row {row} (line {})", row + 1);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                builder.skip_named(label, format!("cannot be read: {e}"));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut properties = Map::new();
        for (k, header) in headers.iter().enumerate() {
            if matches!(source, Source::Wkt(w) if w == k) {
                continue;
            }
            properties.insert(header.clone(), Value::from(record.get(k).unwrap_or_default()));
        }
        let geometry = match source {
            Source::Wkt(w) => {
                let cell = record.get(w).unwrap_or_default();
                if cell.trim().is_empty() {
                    Ok(None)
                } else {
                    super::wkt::parse(cell).map_err(|e| format!("WKT in “{}”: {e}", headers[w]))
                }
            }
            Source::LonLat { lon, lat } => {
                let (x, y) = (record.get(lon).unwrap_or_default(), record.get(lat).unwrap_or_default());
                if x.trim().is_empty() && y.trim().is_empty() {
                    Ok(None)
                } else {
                    match (number(x), number(y)) {
                        (Some(x), Some(y)) => Ok(Some((Geometry::Point(Point::new(x, y)), None))),
                        (None, _) => Err(format!("longitude “{}” is not a number", x.trim())),
                        (_, None) => Err(format!("latitude “{}” is not a number", y.trim())),
                    }
                }
            }
        };
        match geometry {
            Ok(g) => {
                let (g, z) = g.unzip();
                builder.push_labelled(Some(label), g, z.flatten(), properties);
            }
            Err(reason) => builder.skip_named(label, reason),
        }
    }
    Ok(builder.finish(&super::layer_name(path), Some(path), bytes.len() as u64))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn read(text: &[u8]) -> Result<Layer, FormatError> {
        import(Path::new("t.csv"), text)
    }

    #[test]
    fn russian_column_names_with_semicolons_and_decimal_commas_give_points() {
        let layer = read("Название;Широта;Долгота\nЗаставa 1;37,5;69,25\nПост 2;38;70\n".as_bytes()).unwrap();
        assert_eq!(layer.stats.features, 2);
        assert_eq!(layer.features[0].geometry, Geometry::Point(Point::new(69.25, 37.5)));
        assert_eq!(layer.stats.notes, ["points from the columns “Долгота” (longitude) and “Широта” (latitude)"]);
        assert_eq!(layer.properties.map(0).get("Название"), Some(&Value::from("Заставa 1")));
    }

    #[test]
    fn a_windows_1251_file_is_read_with_a_warning() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("имя,lat,lon\nПяндж,37.2,69.1\n");
        let layer = read(&bytes).unwrap();
        assert_eq!(layer.properties.map(0).get("имя"), Some(&Value::from("Пяндж")));
        assert!(layer.stats.warnings[0].contains("Windows-1251"));
    }

    #[test]
    fn a_wkt_column_wins_and_bad_rows_are_skipped_with_their_line() {
        let layer = read(b"id,wkt,lon,lat\n1,\"LINESTRING (1 2, 3 4)\",2,3\n2,POINT (1),1,1\n3,,,\n").unwrap();
        assert_eq!((layer.stats.features, layer.stats.skipped, layer.stats.null_geometries), (1, 1, 1));
        assert!(layer.stats.reasons[0].starts_with("row 2 (line 3): WKT in “wkt”"), "{:?}", layer.stats.reasons);
        assert!(!layer.stats.property_names.contains(&"wkt".to_owned()));
    }

    #[test]
    fn a_file_without_geometry_columns_names_its_columns() {
        let e = read(b"name,height\na,1\n").unwrap_err().to_string();
        assert!(e.contains("no WKT column") && e.contains("name, height") && e.contains("t.csv"), "{e}");
        let e = read(b"name,lat\na,1\n").unwrap_err().to_string();
        assert!(e.contains("no longitude column"), "{e}");
    }
}
