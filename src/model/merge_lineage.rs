//! What a three-way merge must know beyond ids and fields: where assignments went when one side changed the
//! segments under them, and what one side's removal breaks on the other side.
//!
//! **Splits** ([`align`]): a split shares a segment's assignments among its parts (the original id keeps the
//! western part, the eastern part gets a copy with a new id and the rest of the quantity). Merged by id alone, a
//! quantity the other side set on the unsplit segment landed on the western part only (60 km of fence on a 21 km
//! part, plus the 27.6 km the split had given the eastern part), and a status or quarter edit reached one part
//! only. So before the field merge, the base and the other side are split the same way: each assignment the
//! split shared becomes its parts there too, with the other side's fields and, when that side changed the
//! quantity, its new quantity shared among the parts as the split shared the old one. An assignment the other
//! side added to the unsplit segment is shared among the parts by length (as a split would have done). Then what
//! each side meant merges field by field: a status edit reaches every part, per-km totals stay what each side
//! set.
//!
//! **Removals** ([`repair`]): an assignment whose segment the other side merged into its western neighbour
//! follows the merged segment; an assignment on an outpost, or of an equipment type, that the other side removed
//! is a conflict: keep the outpost/type, or drop the assignments that use it.

use super::merge::{Conflict, Pick};
use super::plan::{Assignment, Plan, Target};
use super::segments::Segment;
use serde_json::json;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Boundaries closer than this are the same (km).
const KM_EPS: f64 = 1e-6;

/// One base assignment that one side's split shared among the parts of its segment.
#[derive(Debug, Clone)]
struct Family {
    /// The split side's parts, west to east: assignment id and target segment id.
    parts: Vec<(String, String)>,
    /// The base quantity as the split shared it among the parts.
    base_shares: Vec<f64>,
    /// How another quantity is shared among the parts: the split's own shares, or the parts' lengths when the
    /// split side also changed the quantities.
    weights: Vec<f64>,
}

/// One base segment that one side split and the other left as it was.
#[derive(Debug, Clone)]
struct SplitSegment {
    /// The split side's segments covering the base segment, west to east: id and length in km.
    parts: Vec<(String, f64)>,
    /// By base assignment id.
    families: HashMap<String, Family>,
}

/// The splits one side made, by base segment id.
type Splits = HashMap<String, SplitSegment>;

fn same_extent(p: &Plan, g: &Segment) -> bool {
    p.segments.get(&g.id).is_some_and(|s| (s.from_km - g.from_km).abs() < KM_EPS && (s.to_km - g.to_km).abs() < KM_EPS)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `total` shared in proportion to `weights`: to the metre for per-km equipment, in whole units otherwise,
/// rounded cumulatively so that the shares are never negative and add up to `total`.
fn spread(total: f64, weights: &[f64], per_km: bool) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    let round = |x: f64| if per_km { round3(x) } else { x.round() };
    if weights.is_empty() || sum.is_nan() || sum <= 0.0 {
        let mut out = vec![0.0; weights.len().max(1)];
        out[0] = total;
        return out;
    }
    let mut out = Vec::with_capacity(weights.len());
    let (mut cumulative, mut given) = (0.0, 0.0);
    for (i, w) in weights.iter().enumerate() {
        cumulative += w;
        let upto = if i + 1 == weights.len() { total } else { round(total * cumulative / sum) };
        out.push(if per_km { round3(upto - given) } else { upto - given });
        given = upto;
    }
    out
}

fn per_km(plan: &Plan, a: &Assignment) -> bool {
    plan.catalog.get(&a.equipment_id).is_some_and(super::equipment::EquipmentType::is_per_km)
}

/// The splits `split` made of base segments that `other` left as they were.
fn splits(base: &Plan, split: &Plan, other: &Plan) -> Splits {
    let base_ids: HashSet<&str> = base.segments.segments().iter().map(|s| s.id.as_str()).collect();
    let mut out = Splits::new();
    for g in base.segments.segments() {
        if same_extent(split, g) || !same_extent(other, g) {
            continue;
        }
        let Some(west) = split.segments.get(&g.id) else { continue };
        let inside = |s: &Segment| s.from_km >= g.from_km - KM_EPS && s.to_km <= g.to_km + KM_EPS;
        if !inside(west) {
            continue;
        }
        let parts: Vec<&Segment> = split
            .segments
            .segments()
            .iter()
            .filter(|s| inside(s) && (s.id == g.id || !base_ids.contains(s.id.as_str())))
            .collect();
        if parts.len() < 2 {
            continue;
        }
        let families = families(base, split, g, &parts);
        out.insert(
            g.id.clone(),
            SplitSegment { parts: parts.iter().map(|s| (s.id.clone(), s.length_km())).collect(), families },
        );
    }
    out
}

/// The base assignments on `g` that the split shared among `parts`, found on the split side: the original (by
/// id) and, on each other part, the new assignment of the same equipment, stage and supplier that agrees with it
/// most.
fn families(base: &Plan, split: &Plan, g: &Segment, parts: &[&Segment]) -> HashMap<String, Family> {
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut out = HashMap::new();
    for a in base.assignments_for(&Target::Segment(g.id.clone())) {
        let Some(s_a) = split.assignment(&a.id) else { continue };
        let Target::Segment(home) = &s_a.target else { continue };
        if !parts.iter().any(|p| &p.id == home) {
            continue;
        }
        let mut members: Vec<(&Assignment, f64)> = Vec::new();
        for p in parts {
            let length = p.length_km();
            if &p.id == home {
                members.push((s_a, length));
                continue;
            }
            let agreement = |c: &Assignment| {
                [c.quarter == s_a.quarter, c.status == s_a.status, c.note == s_a.note].iter().filter(|x| **x).count()
            };
            let on_part = Target::Segment(p.id.clone());
            let copy = split
                .assignments
                .positions_for(&on_part)
                .iter()
                .map(|&i| &split.assignments[i])
                .filter(|c| !base.assignments.contains_id(&c.id) && !claimed.contains(c.id.as_str()))
                .filter(|c| c.equipment_id == s_a.equipment_id && c.stage == s_a.stage && c.supplier == s_a.supplier)
                .min_by_key(|c| std::cmp::Reverse(agreement(c)));
            if let Some(c) = copy {
                claimed.insert(c.id.as_str());
                members.push((c, length));
            }
        }
        if members.len() < 2 {
            continue;
        }
        let quantities: Vec<f64> = members.iter().map(|(m, _)| m.quantity).collect();
        let split_only = (quantities.iter().sum::<f64>() - a.quantity).abs() <= 0.001 * members.len() as f64;
        let (base_shares, weights) = if split_only {
            (quantities.clone(), quantities)
        } else {
            let lengths: Vec<f64> = members.iter().map(|(_, l)| *l).collect();
            (spread(a.quantity, &lengths, per_km(base, a)), lengths)
        };
        let parts = members.iter().map(|(m, _)| (m.id.clone(), m.target.id().to_owned())).collect();
        out.insert(a.id.clone(), Family { parts, base_shares, weights });
    }
    out
}

/// `x` as its parts: its fields on each part's target with the part's id and share; parts whose share is zero
/// are left out (a split gives them no assignment), unless every share is. The part that keeps `x`'s id takes
/// its place in `out`, the others go to `tail` (a split appends them to the plan).
fn as_parts(
    x: &Assignment,
    parts: &[(String, String)],
    shares: &[f64],
    out: &mut Vec<Assignment>,
    tail: &mut Vec<Assignment>,
) {
    let keep_all = shares.iter().all(|q| *q <= 0.0);
    for ((id, segment), q) in parts.iter().zip(shares) {
        if *q <= 0.0 && !keep_all {
            continue;
        }
        let mut part = x.clone();
        part.id = id.clone();
        part.target = Target::Segment(segment.clone());
        part.quantity = *q;
        if part.id == x.id { out.push(part) } else { tail.push(part) }
    }
}

/// `plan` (the base, or the side that did not make `splits`) with each assignment those splits shared made into
/// its parts. `fresh` gives ids for the parts of assignments the plan added to a split segment.
fn apply_splits(plan: &Plan, base: &Plan, splits: &Splits, is_base: bool, fresh: &mut dyn FnMut() -> String) -> Plan {
    let mut list = Vec::with_capacity(plan.assignments.len());
    let mut tail = Vec::new();
    for x in &plan.assignments {
        let split = match &x.target {
            Target::Segment(g) => splits.get(g),
            Target::Outpost(_) => None,
        };
        let Some(split) = split else {
            list.push(x.clone());
            continue;
        };
        match (split.families.get(&x.id), base.assignment(&x.id)) {
            (Some(f), Some(b)) => {
                let shares = if is_base || x.quantity == b.quantity {
                    f.base_shares.clone()
                } else {
                    spread(x.quantity, &f.weights, per_km(plan, x))
                };
                as_parts(x, &f.parts, &shares, &mut list, &mut tail);
            }
            // Added on this side to the whole segment: shared among the parts by length, as a split would.
            (None, None) if !is_base => {
                let lengths: Vec<f64> = split.parts.iter().map(|(_, l)| *l).collect();
                let shares = spread(x.quantity, &lengths, per_km(plan, x));
                let mut own_id = Some(x.id.clone());
                let mut parts = Vec::with_capacity(shares.len());
                for ((segment, _), q) in split.parts.iter().zip(&shares) {
                    let id = if *q > 0.0 { own_id.take().unwrap_or_else(&mut *fresh) } else { String::new() };
                    parts.push((id, segment.clone()));
                }
                as_parts(x, &parts, &shares, &mut list, &mut tail);
            }
            _ => list.push(x.clone()),
        }
    }
    list.extend(tail);
    let mut out = plan.clone();
    out.assignments = list.into();
    out
}

/// The three plans made comparable across splits (see the module text): unchanged (borrowed) when neither side
/// split a segment the other left as it was.
pub(super) struct Aligned<'a> {
    pub base: Cow<'a, Plan>,
    pub ours: Cow<'a, Plan>,
    pub theirs: Cow<'a, Plan>,
}

pub(super) fn align<'a>(base: &'a Plan, ours: &'a Plan, theirs: &'a Plan) -> Aligned<'a> {
    let by_ours = splits(base, ours, theirs);
    let by_theirs = splits(base, theirs, ours);
    if by_ours.is_empty() && by_theirs.is_empty() {
        return Aligned { base: Cow::Borrowed(base), ours: Cow::Borrowed(ours), theirs: Cow::Borrowed(theirs) };
    }
    let taken = |id: &str| [base, ours, theirs].iter().any(|p| p.assignments.contains_id(id));
    let mut made: Vec<String> = Vec::new();
    let mut fresh = || {
        let id =
            super::ids::new_assignment_ids(1, |id| taken(id) || made.iter().any(|m| m == id)).pop().unwrap_or_default();
        made.push(id.clone());
        id
    };
    let both: Splits = by_ours.iter().chain(&by_theirs).map(|(k, v)| (k.clone(), v.clone())).collect();
    let aligned_base = apply_splits(base, base, &both, true, &mut fresh);
    let aligned_ours =
        if by_theirs.is_empty() { ours.clone() } else { apply_splits(ours, base, &by_theirs, false, &mut fresh) };
    let aligned_theirs =
        if by_ours.is_empty() { theirs.clone() } else { apply_splits(theirs, base, &by_ours, false, &mut fresh) };
    Aligned { base: Cow::Owned(aligned_base), ours: Cow::Owned(aligned_ours), theirs: Cow::Owned(aligned_theirs) }
}

/// Where segment `id` was, in whichever of the plans still has it.
fn extent_of(id: &str, plans: &[&Plan]) -> Option<(f64, f64)> {
    plans.iter().find_map(|p| p.segments.get(id)).map(|s| (s.from_km, s.to_km))
}

/// After the field merge: assignments on a segment that no longer exists follow the merged segment that now
/// covers its stretch; a removed outpost or equipment type that the other side still uses is a conflict
/// (`decide`): keep it (the side that uses it), or drop the assignments that use it (the side that removed it).
pub(super) fn repair(
    merged: &mut Plan,
    base: &Plan,
    ours: &Plan,
    theirs: &Plan,
    decide: &mut dyn FnMut(Conflict) -> Option<Pick>,
) {
    let plans = [base, ours, theirs];
    let mut moves: Vec<(usize, String)> = Vec::new();
    for (i, a) in merged.assignments.iter().enumerate() {
        let Target::Segment(id) = &a.target else { continue };
        if merged.segments.get(id).is_some() {
            continue;
        }
        let Some((from_km, to_km)) = extent_of(id, &plans) else { continue };
        let home = merged.segments.segment_at_km((from_km + to_km) / 2.0);
        if let Some(s) = home.filter(|s| s.from_km <= from_km + KM_EPS && s.to_km >= to_km - KM_EPS) {
            moves.push((i, s.id.clone()));
        }
    }
    for (i, id) in moves {
        merged.assignments.modify_one(i, |a| a.target = Target::Segment(id));
    }
    repair_equipment(merged, ours, theirs, decide);
    repair_outposts(merged, ours, theirs, decide);
}

/// "used by 3 assignments" / "removed it".
fn use_text(keeps: bool, uses: usize) -> serde_json::Value {
    if keeps {
        json!(format!("keeps it ({})", super::counted(uses, "assignment uses it", "assignments use it")))
    } else {
        json!("removed it")
    }
}

/// Which side keeps what the other removed: `None` when both or neither have it.
fn keeper(in_ours: bool, in_theirs: bool) -> Option<Pick> {
    match (in_ours, in_theirs) {
        (true, false) => Some(Pick::Ours),
        (false, true) => Some(Pick::Theirs),
        _ => None,
    }
}

fn repair_equipment(merged: &mut Plan, ours: &Plan, theirs: &Plan, decide: &mut dyn FnMut(Conflict) -> Option<Pick>) {
    let mut missing: Vec<String> = Vec::new();
    for a in &merged.assignments {
        if merged.catalog.get(&a.equipment_id).is_none() && !missing.contains(&a.equipment_id) {
            missing.push(a.equipment_id.clone());
        }
    }
    for id in missing {
        let (o, t) = (ours.catalog.get(&id), theirs.catalog.get(&id));
        let Some(keeps) = keeper(o.is_some(), t.is_some()) else { continue };
        let uses = merged.assignments.iter().filter(|a| a.equipment_id == id).count();
        let c = Conflict {
            item: format!("equipment {id}"),
            field: Some("in use".into()),
            ours: Some(use_text(o.is_some(), uses)),
            theirs: Some(use_text(t.is_some(), uses)),
        };
        if decide(c).unwrap_or(Pick::Ours) == keeps {
            if let Some(kept) = o.or(t) {
                merged.catalog.types.push(kept.clone());
            }
        } else {
            merged.assignments.retain(|a| a.equipment_id != id);
        }
    }
}

fn repair_outposts(merged: &mut Plan, ours: &Plan, theirs: &Plan, decide: &mut dyn FnMut(Conflict) -> Option<Pick>) {
    let mut missing: Vec<String> = Vec::new();
    for a in &merged.assignments {
        if let Target::Outpost(id) = &a.target
            && merged.outpost(id).is_none()
            && !missing.contains(id)
        {
            missing.push(id.clone());
        }
    }
    let mut restored = false;
    for id in missing {
        let (o, t) = (ours.outpost(&id), theirs.outpost(&id));
        let Some(keeps) = keeper(o.is_some(), t.is_some()) else { continue };
        let target = Target::Outpost(id.clone());
        let uses = merged.assignments_for(&target).count();
        let c = Conflict {
            item: format!("outpost {id}"),
            field: Some("in use".into()),
            ours: Some(use_text(o.is_some(), uses)),
            theirs: Some(use_text(t.is_some(), uses)),
        };
        if decide(c).unwrap_or(Pick::Ours) == keeps {
            if let Some(kept) = o.or(t) {
                merged.outposts.push(kept.clone());
                restored = true;
            }
        } else {
            merged.assignments.retain(|a| a.target != target);
        }
    }
    if restored {
        merged.resnap_outposts();
    }
}
