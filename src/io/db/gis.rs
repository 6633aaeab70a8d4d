//! The GIS tables (`segments`, `outposts`, `assignments`, `gaps`) follow the current version incrementally: the
//! rows of the previous version and of the new one are built the same way and compared by id; only new rows are
//! inserted, changed ones updated (their `version` becomes the new version) and removed ones deleted. Upserts
//! (`ON CONFLICT … DO UPDATE`) keep the tables right even when a row was missing. All in the push's transaction.

use super::DbError;
use crate::io::format::round6;
use crate::model::{Plan, Stage, Target, stage_coverage};
use postgres::Transaction;
use std::collections::HashMap;

fn wkt_line(line: &geo::LineString<f64>) -> String {
    let pts: Vec<String> = line.0.iter().map(|c| format!("{} {}", round6(c.x), round6(c.y))).collect();
    format!("LINESTRING({})", pts.join(","))
}

fn wkt_point(p: geo::Point<f64>) -> String {
    format!("POINT({} {})", round6(p.x()), round6(p.y()))
}

#[derive(PartialEq)]
struct SegmentRow {
    id: String,
    name: String,
    from_km: f64,
    to_km: f64,
    tj: String,
    af: String,
    wkt: String,
}

#[derive(PartialEq)]
struct OutpostRow {
    id: String,
    name: String,
    km: f64,
    segment_id: String,
    sample: bool,
    wkt: String,
}

#[derive(PartialEq)]
struct AssignmentRow {
    id: String,
    kind: String,
    target: String,
    equipment: String,
    quantity: f64,
    stage: i32,
    supplier: String,
    quarter: String,
    status: String,
    note: String,
    wkt: Option<String>,
}

#[derive(PartialEq)]
struct GapRow {
    /// Key: the gap's start, as text (exact).
    id: String,
    from_km: f64,
    to_km: f64,
    wkt: String,
}

struct Rows {
    segments: Vec<SegmentRow>,
    outposts: Vec<OutpostRow>,
    assignments: Vec<AssignmentRow>,
    gaps: Vec<GapRow>,
}

/// Text for a GIS column: PostgreSQL's `text` cannot hold U+0000, so a NUL (which a plan string may carry) is
/// shown as U+FFFD here; the stored plan version keeps it (JSON escapes it), and a pull gives it back.
fn text(s: &str) -> String {
    if s.contains('\0') { s.replace('\0', "\u{FFFD}") } else { s.to_owned() }
}

fn rows_of(plan: &Plan) -> Rows {
    let segs = plan.segments.segments();
    let segments: Vec<SegmentRow> = segs
        .iter()
        .map(|s| SegmentRow {
            id: text(&s.id),
            name: text(&s.name),
            from_km: s.from_km,
            to_km: s.to_km,
            tj: text(&s.tajik_region),
            af: text(&s.afghan_province),
            wkt: wkt_line(&plan.border.substring(s.from_km, s.to_km)),
        })
        .collect();
    let outposts = plan
        .outposts
        .iter()
        .map(|o| OutpostRow {
            id: text(&o.id),
            name: text(&o.name),
            km: o.km,
            segment_id: text(&o.segment_id),
            sample: o.sample,
            wkt: wkt_point(o.position),
        })
        .collect();
    let seg_geom: HashMap<&str, &String> = segments.iter().map(|s| (s.id.as_str(), &s.wkt)).collect();
    let target_wkt = |t: &Target| -> Option<String> {
        match t {
            Target::Segment(id) => seg_geom.get(id.as_str()).map(|w| (*w).clone()),
            Target::Outpost(id) => plan.outpost(id).map(|o| wkt_point(o.position)),
        }
    };
    let assignments = plan
        .assignments
        .iter()
        .map(|x| AssignmentRow {
            id: text(&x.id),
            kind: x.target.kind().to_owned(),
            target: text(x.target.id()),
            equipment: text(&x.equipment_id),
            quantity: x.quantity,
            stage: i32::from(x.stage.number()),
            supplier: text(&x.supplier),
            quarter: x.quarter.to_string(),
            status: x.status.label().to_owned(),
            note: text(&x.note),
            wkt: target_wkt(&x.target),
        })
        .collect();
    let gaps = stage_coverage(plan, Stage::Three)
        .gaps
        .iter()
        .map(|g| GapRow {
            id: g.0.to_string(),
            from_km: g.0,
            to_km: g.1,
            wkt: wkt_line(&plan.border.substring(g.0, g.1)),
        })
        .collect();
    Rows { segments, outposts, assignments, gaps }
}

/// The rows of `new` that are not in `old` as they are (new or changed), and the ids of `old` gone from `new`.
fn changes<'a, T: PartialEq>(old: &[T], new: &'a [T], id: impl Fn(&T) -> &str) -> (Vec<&'a T>, Vec<String>) {
    let old_by_id: HashMap<&str, &T> = old.iter().map(|r| (id(r), r)).collect();
    let new_ids: std::collections::HashSet<&str> = new.iter().map(&id).collect();
    let changed = new.iter().filter(|r| old_by_id.get(id(r)).is_none_or(|o| *o != *r)).collect();
    let removed = old.iter().map(&id).filter(|i| !new_ids.contains(i)).map(str::to_owned).collect();
    (changed, removed)
}

/// Brings the GIS rows of plan `name` from `previous` (the version they show now; `None` for a new plan) to
/// `plan`, stamping written rows with `version`. Returns how many rows were inserted, updated or deleted.
pub(super) fn write_changes(
    tx: &mut Transaction<'_>,
    previous: Option<&Plan>,
    plan: &Plan,
    name: &str,
    version: i64,
) -> Result<usize, DbError> {
    let new = rows_of(plan);
    let old = match previous {
        Some(p) => rows_of(p),
        None => {
            // A new plan: leftovers of a plan once stored under this name must go.
            for table in ["segments", "outposts", "assignments", "gaps"] {
                tx.execute(&format!("DELETE FROM borderplan.{table} WHERE plan = $1"), &[&name])?;
            }
            Rows { segments: Vec::new(), outposts: Vec::new(), assignments: Vec::new(), gaps: Vec::new() }
        }
    };
    let mut written = 0;
    let (segs, gone) = changes(&old.segments, &new.segments, |r| &r.id);
    written += delete(tx, "segments", "id", name, &gone)?;
    written += segs.len();
    if !segs.is_empty() {
        tx.execute(
            "INSERT INTO borderplan.segments
               (plan, id, name, from_km, to_km, length_km, tajik_region, afghan_province, version, geom)
             SELECT $1, id, name, from_km, to_km, to_km - from_km, tj, af, $2, ST_GeomFromText(wkt, 4326)
             FROM unnest($3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[])
               AS t(id, name, from_km, to_km, tj, af, wkt)
             ON CONFLICT (plan, id) DO UPDATE SET name = EXCLUDED.name, from_km = EXCLUDED.from_km,
               to_km = EXCLUDED.to_km, length_km = EXCLUDED.length_km, tajik_region = EXCLUDED.tajik_region,
               afghan_province = EXCLUDED.afghan_province, version = EXCLUDED.version, geom = EXCLUDED.geom",
            &[
                &name,
                &version,
                &segs.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
                &segs.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
                &segs.iter().map(|s| s.from_km).collect::<Vec<_>>(),
                &segs.iter().map(|s| s.to_km).collect::<Vec<_>>(),
                &segs.iter().map(|s| s.tj.clone()).collect::<Vec<_>>(),
                &segs.iter().map(|s| s.af.clone()).collect::<Vec<_>>(),
                &segs.iter().map(|s| s.wkt.clone()).collect::<Vec<_>>(),
            ],
        )?;
    }
    let (ops, gone) = changes(&old.outposts, &new.outposts, |r| &r.id);
    written += delete(tx, "outposts", "id", name, &gone)?;
    written += ops.len();
    if !ops.is_empty() {
        tx.execute(
            "INSERT INTO borderplan.outposts (plan, id, name, km, segment_id, sample, version, geom)
             SELECT $1, id, name, km, seg, sample, $2, ST_GeomFromText(wkt, 4326)
             FROM unnest($3::text[], $4::text[], $5::float8[], $6::text[], $7::bool[], $8::text[])
               AS t(id, name, km, seg, sample, wkt)
             ON CONFLICT (plan, id) DO UPDATE SET name = EXCLUDED.name, km = EXCLUDED.km,
               segment_id = EXCLUDED.segment_id, sample = EXCLUDED.sample, version = EXCLUDED.version,
               geom = EXCLUDED.geom",
            &[
                &name,
                &version,
                &ops.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
                &ops.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
                &ops.iter().map(|o| o.km).collect::<Vec<_>>(),
                &ops.iter().map(|o| o.segment_id.clone()).collect::<Vec<_>>(),
                &ops.iter().map(|o| o.sample).collect::<Vec<_>>(),
                &ops.iter().map(|o| o.wkt.clone()).collect::<Vec<_>>(),
            ],
        )?;
    }
    let (a, gone) = changes(&old.assignments, &new.assignments, |r| &r.id);
    written += delete(tx, "assignments", "id", name, &gone)?;
    written += a.len();
    if !a.is_empty() {
        tx.execute(
            "INSERT INTO borderplan.assignments (plan, id, target_kind, target_id, equipment_id, quantity, stage,
               supplier, quarter, status, note, version, geom)
             SELECT $1, id, kind, target, equipment, quantity, stage, supplier, quarter, status, note, $2,
                    ST_GeomFromText(wkt, 4326)
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::int4[], $9::text[],
                         $10::text[], $11::text[], $12::text[], $13::text[])
               AS t(id, kind, target, equipment, quantity, stage, supplier, quarter, status, note, wkt)
             ON CONFLICT (plan, id) DO UPDATE SET target_kind = EXCLUDED.target_kind,
               target_id = EXCLUDED.target_id, equipment_id = EXCLUDED.equipment_id, quantity = EXCLUDED.quantity,
               stage = EXCLUDED.stage, supplier = EXCLUDED.supplier, quarter = EXCLUDED.quarter,
               status = EXCLUDED.status, note = EXCLUDED.note, version = EXCLUDED.version, geom = EXCLUDED.geom",
            &[
                &name,
                &version,
                &a.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.kind.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.target.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.equipment.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.quantity).collect::<Vec<_>>(),
                &a.iter().map(|x| x.stage).collect::<Vec<_>>(),
                &a.iter().map(|x| x.supplier.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.quarter.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.status.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.note.clone()).collect::<Vec<_>>(),
                &a.iter().map(|x| x.wkt.clone()).collect::<Vec<_>>(),
            ],
        )?;
    }
    let (gaps, gone) = changes(&old.gaps, &new.gaps, |r| &r.id);
    let gone_km: Vec<f64> = old.gaps.iter().filter(|g| gone.contains(&g.id)).map(|g| g.from_km).collect();
    if !gone_km.is_empty() {
        written += tx.execute(
            "DELETE FROM borderplan.gaps WHERE plan = $1 AND stage = 3 AND from_km = ANY($2)",
            &[&name, &gone_km],
        )? as usize;
    }
    written += gaps.len();
    if !gaps.is_empty() {
        tx.execute(
            "INSERT INTO borderplan.gaps (plan, stage, from_km, to_km, length_km, version, geom)
             SELECT $1, 3, from_km, to_km, to_km - from_km, $2, ST_GeomFromText(wkt, 4326)
             FROM unnest($3::float8[], $4::float8[], $5::text[]) AS t(from_km, to_km, wkt)
             ON CONFLICT (plan, stage, from_km) DO UPDATE SET to_km = EXCLUDED.to_km,
               length_km = EXCLUDED.length_km, version = EXCLUDED.version, geom = EXCLUDED.geom",
            &[
                &name,
                &version,
                &gaps.iter().map(|g| g.from_km).collect::<Vec<_>>(),
                &gaps.iter().map(|g| g.to_km).collect::<Vec<_>>(),
                &gaps.iter().map(|g| g.wkt.clone()).collect::<Vec<_>>(),
            ],
        )?;
    }
    Ok(written)
}

fn delete(tx: &mut Transaction<'_>, table: &str, key: &str, name: &str, ids: &[String]) -> Result<usize, DbError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!("DELETE FROM borderplan.{table} WHERE plan = $1 AND {key} = ANY($2)");
    Ok(tx.execute(&sql, &[&name, &ids])? as usize)
}
