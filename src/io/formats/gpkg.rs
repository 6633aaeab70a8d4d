//! GeoPackage (OGC 12-128r18) feature tables: every table listed in `gpkg_contents` with data type `features`
//! becomes a layer. Geometries are GeoPackage binary blobs (the `GP` header with its flags and envelope, then
//! WKB); the other columns become properties (the integer primary key is the feature id, as GDAL reads it, and
//! is not a property; blobs are left out). A table whose SRS is not WGS84 longitude/latitude gets a warning and
//! its features are skipped with a reason rather than drawn in the wrong place.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};

use super::FormatError;
use super::builder::LayerBuilder;
use crate::io::layer::Layer;

const FORMAT: &str = "GeoPackage";

/// One feature table listed in `gpkg_contents`.
struct Table {
    name: String,
    geometry_column: String,
    srs_id: i64,
    geometry_type: String,
}

/// What the import dialog shows of a feature table before reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// The table's name in `gpkg_contents`.
    pub name: String,
    /// `gpkg_geometry_columns.geometry_type_name` (POINT, LINESTRING, GEOMETRY, …).
    pub geometry_type: String,
    /// Rows in the table.
    pub rows: u64,
    /// The SRS as `organization:code` (`EPSG:4326`).
    pub srs: String,
}

fn open(path: &Path) -> Result<Connection, FormatError> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| invalid(path, e.to_string()))
}

fn invalid(path: &Path, reason: String) -> FormatError {
    FormatError::Invalid { path: path.to_path_buf(), format: FORMAT, reason }
}

fn feature_tables(path: &Path, db: &Connection) -> Result<Vec<Table>, FormatError> {
    let tables = tables(db).map_err(|e| invalid(path, format!("the GeoPackage tables cannot be read: {e}")))?;
    if tables.is_empty() {
        return Err(invalid(
            path,
            "it has no feature table (gpkg_contents lists none with data_type 'features')".to_owned(),
        ));
    }
    Ok(tables)
}

/// The feature tables of the GeoPackage at `path`, in `gpkg_contents` order, without reading their features.
///
/// # Errors
/// As [`import`].
pub fn list_tables(path: &Path) -> Result<Vec<TableInfo>, FormatError> {
    let db = open(path)?;
    let tables = feature_tables(path, &db)?;
    Ok(tables
        .into_iter()
        .map(|t| {
            let rows = db
                .query_row(&format!("SELECT count(*) FROM {}", quote(&t.name)), [], |r| r.get::<_, i64>(0))
                .map_or(0, |n| u64::try_from(n).unwrap_or(0));
            let srs = match t.srs_id {
                -1 | 0 => "undefined".to_owned(),
                id => srs(&db, id).map_or_else(|| format!("srs_id {id}"), |(org, code, _)| format!("{org}:{code}")),
            };
            TableInfo { name: t.name, geometry_type: t.geometry_type, rows, srs }
        })
        .collect())
}

/// Reads every feature table of the GeoPackage at `path`, one layer each, in `gpkg_contents` order.
///
/// # Errors
/// [`FormatError::Invalid`] when the file is not SQLite, has no `gpkg_contents`/`gpkg_geometry_columns`, or no
/// feature table.
pub fn import(path: &Path) -> Result<Vec<Layer>, FormatError> {
    import_tables(path, None)
}

/// Reads the feature tables named in `only` (every one when `None`), one layer each, in `gpkg_contents` order.
///
/// # Errors
/// As [`import`], and [`FormatError::Invalid`] naming the tables there are when a name in `only` is not one of
/// them.
pub fn import_tables(path: &Path, only: Option<&[String]>) -> Result<Vec<Layer>, FormatError> {
    let db = open(path)?;
    let tables = feature_tables(path, &db)?;
    if let Some(only) = only
        && let Some(missing) = only.iter().find(|n| !tables.iter().any(|t| &t.name == *n))
    {
        let names: Vec<String> = tables.iter().map(|t| format!("“{}”", t.name)).collect();
        return Err(invalid(
            path,
            format!("it has no feature table “{missing}” (its feature tables: {})", names.join(", ")),
        ));
    }
    let several = tables.len() > 1;
    let stem = super::layer_name(path);
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut layers = Vec::new();
    for table in tables.iter().filter(|t| only.is_none_or(|only| only.contains(&t.name))) {
        let name = if several { format!("{stem} — {}", table.name) } else { stem.clone() };
        let builder = read_table(&db, table).map_err(|e| invalid(path, format!("table “{}”: {e}", table.name)))?;
        layers.push(builder.finish(&name, Some(path), bytes));
    }
    Ok(layers)
}

fn tables(db: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut stmt = db.prepare(
        "SELECT c.table_name, g.column_name, g.srs_id, g.geometry_type_name FROM gpkg_contents c \
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
         WHERE lower(c.data_type) = 'features' ORDER BY c.rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Table { name: r.get(0)?, geometry_column: r.get(1)?, srs_id: r.get(2)?, geometry_type: r.get(3)? })
    })?;
    rows.collect()
}

/// The SRS of `srs_id`: (organization, id, definition).
fn srs(db: &Connection, srs_id: i64) -> Option<(String, i64, String)> {
    db.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
    )
    .ok()
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn read_table(db: &Connection, table: &Table) -> rusqlite::Result<LayerBuilder> {
    let mut builder = LayerBuilder::new();
    let crs = match table.srs_id {
        4326 | -1 | 0 => None,
        id => {
            let (org, code, definition) = srs(db, id).unwrap_or_else(|| ("unknown".to_owned(), id, String::new()));
            Some(crate::io::reproject::Crs::from_epsg_or_wkt(&org, code, &definition))
        }
    };
    let transform = match crs {
        None => None,
        Some(Ok(crs)) => {
            builder.note(format!("reprojected from {} to WGS84", crs.name()));
            Some(crs)
        }
        Some(Err(unknown)) => {
            builder.warn(format!("{unknown}; its features are skipped rather than placed wrongly"));
            None
        }
    };
    let pk: Option<String> = db
        .prepare(&format!("PRAGMA table_info({})", quote(&table.name)))?
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(5)?)))?
        .filter_map(Result::ok)
        .find(|(_, kind, pk)| *pk == 1 && kind.eq_ignore_ascii_case("integer"))
        .map(|(name, _, _)| name);
    // `Statement::column_names` panics on a column name that is not UTF-8, so such a name is refused first.
    let mut info = db.prepare(&format!("PRAGMA table_xinfo({})", quote(&table.name)))?;
    for name in info.query_map([], |r| Ok(r.get_ref(1)?.as_bytes()?.to_vec()))? {
        let name = name?;
        if std::str::from_utf8(&name).is_err() {
            let name = String::from_utf8_lossy(&name);
            return Err(rusqlite::Error::InvalidColumnName(format!("“{name}” is not valid UTF-8")));
        }
    }
    let mut stmt = db.prepare(&format!("SELECT * FROM {}", quote(&table.name)))?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let geometry_at = columns.iter().position(|c| c.eq_ignore_ascii_case(&table.geometry_column));
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let mut properties = Map::new();
        let mut blob: Option<Vec<u8>> = None;
        for (i, column) in columns.iter().enumerate() {
            let value = row.get_ref(i)?;
            if Some(i) == geometry_at {
                if let ValueRef::Blob(b) = value {
                    blob = Some(b.to_vec());
                }
                continue;
            }
            if pk.as_deref() == Some(column.as_str()) {
                continue;
            }
            let v = match value {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(_) => continue,
            };
            properties.insert(column.clone(), v);
        }
        let Some(blob) = blob else {
            builder.push(None, None, properties);
            continue;
        };
        match geometry(&blob) {
            Ok(None) => builder.push(None, None, properties),
            Ok(Some((g, z))) => {
                let g = match (&transform, &crs_unknown(table.srs_id, &transform)) {
                    (Some(t), _) => t.to_wgs84_geometry(&g),
                    (None, true) => {
                        builder.skip("its table's CRS is not known");
                        continue;
                    }
                    (None, false) => Ok(g),
                };
                match g {
                    Ok(g) => builder.push(Some(g), z, properties),
                    Err(e) => builder.skip(e),
                }
            }
            Err(reason) => builder.skip(reason),
        }
    }
    Ok(builder)
}

fn crs_unknown(srs_id: i64, transform: &Option<crate::io::reproject::Crs>) -> bool {
    !matches!(srs_id, 4326 | -1 | 0) && transform.is_none()
}

/// The geometry of a GeoPackage binary blob: `GP`, version, flags (byte order, envelope kind, empty), SRS id,
/// envelope, then WKB.
///
/// # Errors
/// A plain-words reason when the blob is not a GeoPackage geometry.
pub fn geometry(blob: &[u8]) -> Result<super::wkb::Parsed, String> {
    let Some([b'G', b'P', _version, flags]) = blob.get(..4).and_then(|h| <[u8; 4]>::try_from(h).ok()) else {
        return Err("the geometry is not a GeoPackage binary blob (no “GP” header)".to_owned());
    };
    let envelope_bytes = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(format!("GeoPackage geometry header has an invalid envelope code {other}")),
    };
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let wkb = blob.get(8 + envelope_bytes..).ok_or("the GeoPackage geometry ends inside its header")?;
    super::wkb::parse(wkb)
}

/// A GeoPackage binary blob for a 2-D WGS84 geometry (little-endian, no envelope): the header and WKB.
#[must_use]
pub fn blob(geometry: &geo::Geometry<f64>) -> Vec<u8> {
    let mut out = vec![b'G', b'P', 0, 0b0000_0001];
    out.extend_from_slice(&4326i32.to_le_bytes());
    out.extend_from_slice(&super::wkb::write(geometry));
    out
}
