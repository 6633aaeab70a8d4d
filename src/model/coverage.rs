//! Surveillance coverage along the border, as a union of chainage intervals.
//!
//! Model: an assignment of `n` surveillance units with detection range `r` km
//! - at an outpost at chainage `k` covers [k − r, k + r];
//! - on a segment [a, b] places the units evenly (unit i at a + (i + ½)·(b − a)/n), each covering ±r.
//!
//! Intervals are clamped to the border and merged, so overlapping sensors are never counted twice.

use super::lookup::Lookup;
use super::plan::{Assignment, Plan, Target};
use super::stages::{Quarter, Stage};
use rustc_hash::FxHashSet;
use serde::Serialize;

/// Gaps shorter than this (km) are rounding noise, not gaps.
const MIN_GAP_KM: f64 = 1e-6;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub length_km: f64,
    /// Merged covered intervals, sorted.
    pub covered: Vec<(f64, f64)>,
    pub covered_km: f64,
    /// Uncovered intervals, sorted.
    pub gaps: Vec<(f64, f64)>,
}

impl Coverage {
    pub fn percent(&self) -> f64 {
        if self.length_km > 0.0 { 100.0 * self.covered_km / self.length_km } else { 0.0 }
    }
    pub fn gap_km(&self) -> f64 {
        self.gaps.iter().map(|(a, b)| b - a).sum()
    }
    pub fn is_complete(&self) -> bool {
        self.gaps.is_empty()
    }

    /// Builds coverage from raw (possibly overlapping, unsorted) intervals.
    pub fn from_intervals(length_km: f64, intervals: Vec<(f64, f64)>) -> Self {
        let covered = union_intervals(intervals, length_km);
        let covered_km = covered.iter().map(|(a, b)| b - a).sum::<f64>() + 0.0; // + 0.0: an empty sum is −0.0
        let mut gaps = Vec::new();
        let mut at = 0.0;
        for &(a, b) in &covered {
            if a - at > MIN_GAP_KM {
                gaps.push((at, a));
            }
            at = b;
        }
        if length_km - at > MIN_GAP_KM {
            gaps.push((at, length_km));
        }
        Self { length_km, covered, covered_km, gaps }
    }
}

/// Sorts, clamps to [0, length] and merges intervals.
pub fn union_intervals(mut intervals: Vec<(f64, f64)>, length_km: f64) -> Vec<(f64, f64)> {
    intervals.retain(|(a, b)| a.is_finite() && b.is_finite());
    for iv in &mut intervals {
        let (a, b) = if iv.0 <= iv.1 { *iv } else { (iv.1, iv.0) };
        *iv = (a.clamp(0.0, length_km), b.clamp(0.0, length_km));
    }
    intervals.retain(|(a, b)| b > a);
    // Unstable is enough: intervals with the same start merge to the same union in any order.
    intervals.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(intervals.len());
    for (a, b) in intervals {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The chainage intervals one assignment covers (empty for non-surveillance equipment or unknown targets).
pub fn sensor_intervals(plan: &Plan, a: &Assignment) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    push_sensor_intervals(plan, a, &mut out);
    out
}

/// As [`sensor_intervals`], appending to `out` (no list per assignment).
fn push_sensor_intervals(plan: &Plan, a: &Assignment, out: &mut Vec<(f64, f64)>) {
    let Some(range) = plan.catalog.get(&a.equipment_id).and_then(|t| t.coverage_range_km()) else {
        return;
    };
    if !(a.quantity.is_finite() && a.quantity > 0.0) {
        return;
    }
    let outpost_km = |id: &str| plan.outpost(id).map(|o| o.km);
    push_intervals_with(plan, a, range, &outpost_km, Units::OneByOne, out);
}

/// How the units of a segment assignment are listed.
#[derive(Clone, Copy, PartialEq)]
enum Units {
    /// One interval per unit (what a sensor list shows).
    OneByOne,
    /// Overlapping units as their union (what coverage needs: fewer intervals to sort).
    Merged,
}

/// As [`push_sensor_intervals`] with the detection range known and outposts looked up by `outpost_km`.
fn push_intervals_with(
    plan: &Plan,
    a: &Assignment,
    range: f64,
    outpost_km: &dyn Fn(&str) -> Option<f64>,
    units: Units,
    out: &mut Vec<(f64, f64)>,
) {
    match &a.target {
        Target::Outpost(id) => {
            if let Some(km) = outpost_km(id) {
                out.push((km - range, km + range));
            }
        }
        Target::Segment(id) => {
            let Some(s) = plan.segments.get(id) else { return };
            let n = a.quantity.floor().clamp(1.0, 10_000.0) as usize;
            let spacing = s.length_km() / n as f64;
            let centre = |i: usize| s.from_km + (i as f64 + 0.5) * spacing;
            if units == Units::Merged && spacing <= 2.0 * range {
                // Neighbouring units overlap or touch, so their union is one interval from the first unit's
                // start to the last one's end (the same numbers the units would give one by one).
                out.push((centre(0) - range, centre(n - 1) + range));
            } else {
                out.extend((0..n).map(|i| (centre(i) - range, centre(i) + range)));
            }
        }
    }
}

/// The covered intervals of every assignment, each put into the list `bucket` picks (`None`: left out), with
/// outposts looked up through one index.
fn collect_intervals<const N: usize>(
    plan: &Plan,
    bucket: impl Fn(&Assignment) -> Option<usize>,
) -> [Vec<(f64, f64)>; N] {
    let lookup = Lookup::new(plan);
    let outpost_km = |id: &str| lookup.outpost(id).map(|o| o.km);
    let mut out: [Vec<(f64, f64)>; N] = std::array::from_fn(|_| Vec::new());
    // Many assignments cover exactly the same stretch (several line items at one outpost): each stretch is
    // listed once, so the union sorts thousands of intervals, not one per row.
    let mut listed: [FxHashSet<(u64, u64)>; N] = std::array::from_fn(|_| FxHashSet::default());
    let mut own = Vec::new();
    for a in plan.assignments.iter() {
        let Some(i) = bucket(a).filter(|&i| i < N) else { continue };
        let range = lookup.equipment(&a.equipment_id).and_then(|t| t.coverage_range_km());
        if let Some(range) = range.filter(|_| a.quantity.is_finite() && a.quantity > 0.0) {
            own.clear();
            push_intervals_with(plan, a, range, &outpost_km, Units::Merged, &mut own);
            for &(from, to) in &own {
                if listed[i].insert((from.to_bits(), to.to_bits())) {
                    out[i].push((from, to));
                }
            }
        }
    }
    out
}

/// Coverage of the assignments `keep` accepts.
pub fn coverage_where(plan: &Plan, keep: impl Fn(&Assignment) -> bool) -> Coverage {
    let [intervals] = collect_intervals::<1>(plan, |a| keep(a).then_some(0));
    Coverage::from_intervals(plan.border.length_km(), intervals)
}

/// Coverage at the end of stage 2 and at the end of stage 3 from one pass over the plan (what
/// [`stage_coverage`] gives for each).
pub fn stage2_and_stage3_coverage(plan: &Plan) -> [Coverage; 2] {
    let length_km = plan.border.length_km();
    let [by_stage2, stage3_only] = collect_intervals::<2>(plan, |a| {
        if a.stage <= Stage::Two { Some(0) } else { (a.stage <= Stage::Three).then_some(1) }
    });
    let mut all = by_stage2.clone();
    all.extend(stage3_only);
    [Coverage::from_intervals(length_km, by_stage2), Coverage::from_intervals(length_km, all)]
}

/// Coverage at the end of a stage: equipment deployed in earlier stages stays in place, so stage 3 counts
/// stage-2 equipment too.
pub fn stage_coverage(plan: &Plan, stage: Stage) -> Coverage {
    coverage_where(plan, |a| a.stage <= stage)
}

/// Coverage of everything planned for delivery by the end of `quarter`.
pub fn coverage_by_quarter(plan: &Plan, quarter: Quarter) -> Coverage {
    coverage_where(plan, |a| a.quarter <= quarter)
}
