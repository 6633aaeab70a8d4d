//! GeoPackage export (OGC GeoPackage 1.3, WGS84): four feature tables, `segments` (LineString), `outposts`
//! (Point), `assignments` (one row per assignment with its target's geometry, so a mixed Geometry table) and
//! `gaps` (stage-3 coverage gaps, LineString). Every row carries its stage and the stage colour as `#rrggbb`
//! (`stage_color`) so QGIS can style by it. `gpkg_spatial_ref_sys`, `gpkg_contents` (with extents) and
//! `gpkg_geometry_columns` are filled as the standard asks, so GDAL and QGIS open the file directly.

use geo::{BoundingRect, Geometry, LineString, Point};
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params_from_iter};

use super::{
    ExportError, TargetGeometry, assignment_cost, equipment_name, equipment_summary, stage_label, target_geometry,
};
use crate::model::palette::{GAP, hex, stage_rgb};
use crate::model::{Plan, Stage, Target, stage_coverage};

/// The WGS 84 definition written into `gpkg_spatial_ref_sys`.
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// One feature table to write.
pub struct Table {
    pub name: &'static str,
    /// `POINT`, `LINESTRING` or `GEOMETRY`.
    pub geometry_type: &'static str,
    /// Column names with their SQL type (`TEXT`, `REAL`, `INTEGER`).
    pub columns: Vec<(&'static str, &'static str)>,
    pub rows: Vec<(Geometry<f64>, Vec<Sql>)>,
}

fn text(s: impl Into<String>) -> Sql {
    Sql::Text(s.into())
}

fn real(v: f64) -> Sql {
    if v.is_finite() { Sql::Real(v) } else { Sql::Null }
}

fn geometry(g: &TargetGeometry) -> Geometry<f64> {
    match g {
        TargetGeometry::Point(x, y) => Geometry::Point(Point::new(*x, *y)),
        TargetGeometry::Line(pts) => Geometry::LineString(LineString::from(pts.clone())),
    }
}

/// The plan as the four tables.
#[must_use]
pub fn tables(plan: &Plan) -> Vec<Table> {
    tables_with(plan, None)
}

/// As [`tables`], with the gaps of `basis` (line of sight) when given; each gap names the model in
/// `coverage_model`.
#[must_use]
pub fn tables_with(plan: &Plan, basis: Option<&super::CoverageBasis>) -> Vec<Table> {
    let mut segments = Table {
        name: "segments",
        geometry_type: "LINESTRING",
        columns: vec![
            ("id", "TEXT"),
            ("name", "TEXT"),
            ("from_km", "REAL"),
            ("to_km", "REAL"),
            ("length_km", "REAL"),
            ("tajik_region", "TEXT"),
            ("afghan_province", "TEXT"),
            ("stage", "TEXT"),
            ("stage_color", "TEXT"),
            ("assignment_count", "INTEGER"),
            ("equipment", "TEXT"),
        ],
        rows: Vec::new(),
    };
    for s in plan.segments.segments() {
        let t = Target::Segment(s.id.clone());
        let stage = plan.target_stage(&t, None);
        segments.rows.push((
            Geometry::LineString(plan.border.substring(s.from_km, s.to_km)),
            vec![
                text(&s.id),
                text(&s.name),
                real(s.from_km),
                real(s.to_km),
                real(s.length_km()),
                text(&s.tajik_region),
                text(&s.afghan_province),
                text(stage_label(stage)),
                text(hex(stage_rgb(stage))),
                Sql::Integer(plan.assignments_for(&t).count() as i64),
                text(equipment_summary(plan, &t)),
            ],
        ));
    }
    let mut outposts = Table {
        name: "outposts",
        geometry_type: "POINT",
        columns: vec![
            ("id", "TEXT"),
            ("name", "TEXT"),
            ("km", "REAL"),
            ("segment_id", "TEXT"),
            ("distance_to_border_m", "REAL"),
            ("sample", "INTEGER"),
            ("stage", "TEXT"),
            ("stage_color", "TEXT"),
            ("assignment_count", "INTEGER"),
            ("equipment", "TEXT"),
        ],
        rows: Vec::new(),
    };
    for o in &plan.outposts {
        let t = Target::Outpost(o.id.clone());
        let stage = plan.target_stage(&t, None);
        outposts.rows.push((
            Geometry::Point(o.position),
            vec![
                text(&o.id),
                text(&o.name),
                real(o.km),
                text(o.segment_id.clone()),
                real(o.distance_to_border_m),
                Sql::Integer(i64::from(o.sample)),
                text(stage_label(stage)),
                text(hex(stage_rgb(stage))),
                Sql::Integer(plan.assignments_for(&t).count() as i64),
                text(equipment_summary(plan, &t)),
            ],
        ));
    }
    let mut assignments = Table {
        name: "assignments",
        geometry_type: "GEOMETRY",
        columns: vec![
            ("assignment_id", "TEXT"),
            ("target_id", "TEXT"),
            ("target_name", "TEXT"),
            ("kind", "TEXT"),
            ("equipment_id", "TEXT"),
            ("equipment_name", "TEXT"),
            ("category", "TEXT"),
            ("quantity", "REAL"),
            ("unit", "TEXT"),
            ("stage", "INTEGER"),
            ("stage_color", "TEXT"),
            ("supplier", "TEXT"),
            ("quarter", "TEXT"),
            ("status", "TEXT"),
            ("cost_usd", "REAL"),
            ("note", "TEXT"),
        ],
        rows: Vec::new(),
    };
    for a in &plan.assignments {
        let Some(g) = target_geometry(plan, &a.target) else { continue };
        let eq = plan.catalog.get(&a.equipment_id);
        assignments.rows.push((
            geometry(&g),
            vec![
                text(&a.id),
                text(a.target.id()),
                text(plan.target_name(&a.target).unwrap_or("")),
                text(a.target.kind()),
                text(&a.equipment_id),
                text(equipment_name(plan, a)),
                text(eq.map(|t| t.category.label()).unwrap_or("")),
                real(a.quantity),
                text(eq.map(|t| t.unit.as_str()).unwrap_or("")),
                Sql::Integer(i64::from(a.stage.number())),
                text(hex(stage_rgb(Some(a.stage)))),
                text(&a.supplier),
                text(a.quarter.to_string()),
                text(a.status.label()),
                assignment_cost(plan, a).map_or(Sql::Null, real),
                text(&a.note),
            ],
        ));
    }
    let mut gaps = Table {
        name: "gaps",
        geometry_type: "LINESTRING",
        columns: vec![
            ("id", "TEXT"),
            ("from_km", "REAL"),
            ("to_km", "REAL"),
            ("length_km", "REAL"),
            ("stage", "INTEGER"),
            ("stage_color", "TEXT"),
            ("coverage_model", "TEXT"),
        ],
        rows: Vec::new(),
    };
    let model = super::basis_label(basis);
    let gap_list = basis.map_or_else(|| stage_coverage(plan, Stage::Three).gaps, |b| b.stage3.gaps.clone());
    for (i, &(from, to)) in gap_list.iter().enumerate() {
        gaps.rows.push((
            Geometry::LineString(plan.border.substring(from, to)),
            vec![
                text(format!("GAP-{:02}", i + 1)),
                real(from),
                real(to),
                real(to - from),
                Sql::Integer(3),
                text(hex(GAP)),
                text(&model),
            ],
        ));
    }
    vec![segments, outposts, assignments, gaps]
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Writes `tables` as a GeoPackage into the (new, empty) SQLite database `db`.
///
/// # Errors
/// The SQLite error, if any.
pub fn write_tables(db: &Connection, tables: &[Table]) -> rusqlite::Result<()> {
    db.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
           description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT UNIQUE, description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');",
    )?;
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        [WGS84_WKT],
    )?;
    for t in tables {
        let columns: String = t.columns.iter().map(|(n, ty)| format!(", {} {ty}", quote(n))).collect();
        db.execute_batch(&format!(
            "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}{columns})",
            quote(t.name),
            t.geometry_type
        ))?;
        let holes = vec!["?"; t.columns.len() + 1].join(", ");
        let names: String = t.columns.iter().map(|(n, _)| format!(", {}", quote(n))).collect();
        let mut insert = db.prepare(&format!("INSERT INTO {} (geom{names}) VALUES ({holes})", quote(t.name)))?;
        let mut extent: Option<geo::Rect<f64>> = None;
        for (g, values) in &t.rows {
            if let Some(r) = g.bounding_rect() {
                extent = Some(match extent {
                    None => r,
                    Some(e) => geo::Rect::new(
                        (e.min().x.min(r.min().x), e.min().y.min(r.min().y)),
                        (e.max().x.max(r.max().x), e.max().y.max(r.max().y)),
                    ),
                });
            }
            let mut row = vec![Sql::Blob(crate::io::formats::gpkg::blob(g))];
            row.extend(values.iter().cloned());
            insert.execute(params_from_iter(row))?;
        }
        let (min_x, min_y, max_x, max_y) = extent.map_or((Sql::Null, Sql::Null, Sql::Null, Sql::Null), |e| {
            (real(e.min().x), real(e.min().y), real(e.max().x), real(e.max().y))
        });
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) \
             VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, 4326)",
            rusqlite::params![t.name, min_x, min_y, max_x, max_y],
        )?;
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
            rusqlite::params![t.name, t.geometry_type],
        )?;
    }
    Ok(())
}

/// Writes the plan as a GeoPackage to `path`, under the write policy for `kind`. SQLite builds it in the temp
/// file beside the target (mode 0600, never in a shared temporary folder), which is renamed over the target when
/// it is complete and removed when anything fails.
///
/// # Errors
/// [`ExportError::File`] naming the path (refused by the policy, or SQLite or the disk failed).
pub fn write_file(
    plan: &Plan,
    basis: Option<&super::CoverageBasis>,
    path: &std::path::Path,
    kind: crate::io::atomic::WriteKind,
) -> Result<(), ExportError> {
    let tables = tables_with(plan, basis);
    let sqlite = |e: rusqlite::Error| std::io::Error::other(format!("GeoPackage: {e}"));
    crate::io::atomic::write_atomic_built(path, kind, |tmp| {
        let db = Connection::open(tmp).map_err(sqlite)?;
        // No rollback journal beside it and no sync per statement: the temp file is thrown away whole when
        // anything fails, and synced once before the rename.
        db.pragma_update(None, "journal_mode", "OFF").map_err(sqlite)?;
        db.pragma_update(None, "synchronous", "OFF").map_err(sqlite)?;
        write_tables(&db, &tables).map_err(sqlite)?;
        db.close().map_err(|(_, e)| sqlite(e))
    })?;
    Ok(())
}
