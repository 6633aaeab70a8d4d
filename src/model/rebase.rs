//! Moving a plan made on one border line onto another by position, not by km number.
//!
//! A segment boundary at km `k` of the old line is the point of the old line at `k`; on the new line it becomes
//! the chainage of the new line's point nearest to it. Outposts keep their positions and get their km, distance
//! and segment again from the new line. Assignments stay on their targets (ids do not change), so equipment
//! follows the stretch of ground it was planned for even when every km number changes.

use super::border::Border;
use super::plan::{Edit, Plan};
use super::segments::Segment;
use geo::{Distance, Geodesic, LineString};

/// Two borders closer than this everywhere are the same line (plan files store 6 decimals, ≈ 0.1 m).
pub const SAME_LINE_TOLERANCE_M: f64 = 1.0;

/// Shortest length a rebased segment keeps when its two ends fall on nearly the same point of the new line.
const MIN_SEGMENT_KM: f64 = 0.01;

/// A segment's km range on the old line and on the new one.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMove {
    pub id: String,
    pub old_km: (f64, f64),
    pub new_km: (f64, f64),
}

/// An outpost's km on the old line, on the new one, and its distance from the new line.
#[derive(Debug, Clone, PartialEq)]
pub struct OutpostMove {
    pub id: String,
    pub old_km: f64,
    pub new_km: f64,
    pub distance_m: f64,
}

/// What a rebase changed, one line per moved thing.
#[derive(Debug, Clone, PartialEq)]
pub struct RebaseReport {
    pub old_length_km: f64,
    pub new_length_km: f64,
    pub segments: Vec<SegmentMove>,
    pub outposts: Vec<OutpostMove>,
    /// Largest distance from a segment boundary of the old line to the new line, m.
    pub max_boundary_shift_m: f64,
}

impl RebaseReport {
    /// The report as sentences, one per moved segment or outpost, after a summary line.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "Border {:.1} km, now {:.1} km; {} and {} re-measured on the new line; \
             segment ends moved up to {:.0} m to reach it",
            self.old_length_km,
            self.new_length_km,
            super::counted(self.segments.len(), "segment", "segments"),
            super::counted(self.outposts.len(), "outpost", "outposts"),
            self.max_boundary_shift_m
        )];
        for SegmentMove { id, old_km: (a0, b0), new_km: (a1, b1) } in &self.segments {
            out.push(format!("{id}: km {a0:.1}–{b0:.1}, now km {a1:.1}–{b1:.1}"));
        }
        for OutpostMove { id, old_km, new_km, distance_m } in &self.outposts {
            out.push(format!(
                "{id}: km {old_km:.1}, now km {new_km:.1} ({:.1} km from the border)",
                distance_m / 1000.0
            ));
        }
        out
    }
}

/// True when every vertex of each line lies within [`SAME_LINE_TOLERANCE_M`] of the other line.
pub fn same_line(a: &Border, b: &Border) -> bool {
    if (a.length_km() - b.length_km()).abs() > 0.01 {
        return false;
    }
    // The usual case: the same vertices, up to the 6 decimals a plan file keeps.
    let (va, vb) = (&a.line().0, &b.line().0);
    if va.len() == vb.len() && va.iter().zip(vb).all(|(p, q)| (p.x - q.x).abs() < 2e-6 && (p.y - q.y).abs() < 2e-6) {
        return true;
    }
    let near = |from: &Border, to: &Border| {
        from.line().0.iter().all(|c| to.distance_m(geo::Point::from(*c)) <= SAME_LINE_TOLERANCE_M)
    };
    near(a, b) && near(b, a)
}

/// The edit that moves `plan` onto `new_line` by position, and what it will change.
pub fn rebase_edit(plan: &Plan, new_line: &LineString<f64>) -> Result<(Edit, RebaseReport), super::BorderError> {
    let new_border = Border::new(new_line.clone())?;
    let new_len = new_border.length_km();
    let old = &plan.border;
    let mut max_shift_m: f64 = 0.0;
    // Each inner boundary is mapped through its position; the ends are the new line's ends.
    let old_segments = plan.segments.segments();
    let mut bounds: Vec<f64> = Vec::with_capacity(old_segments.len() + 1);
    bounds.push(0.0);
    for s in old_segments.iter().skip(1) {
        let p = old.point_at_km(s.from_km);
        let loc = new_border.locate(p);
        max_shift_m = max_shift_m.max(Geodesic.distance(p, loc.nearest));
        bounds.push(loc.chainage_km);
    }
    bounds.push(new_len);
    // Lines that fold back can map boundaries out of order: keep them increasing (and inside the line).
    let n = bounds.len();
    for i in 1..n - 1 {
        let lo = bounds[i - 1] + MIN_SEGMENT_KM;
        let hi = new_len - MIN_SEGMENT_KM * (n - 1 - i) as f64;
        bounds[i] = bounds[i].max(lo).min(hi);
    }
    let segments: Vec<Segment> = old_segments
        .iter()
        .enumerate()
        .map(|(i, s)| Segment { from_km: bounds[i], to_km: bounds[i + 1], ..s.clone() })
        .collect();
    let outposts = plan
        .outposts
        .iter()
        .map(|o| {
            let loc = new_border.locate(o.position);
            OutpostMove { id: o.id.clone(), old_km: o.km, new_km: loc.chainage_km, distance_m: loc.distance_m }
        })
        .collect();
    let report = RebaseReport {
        old_length_km: old.length_km(),
        new_length_km: new_len,
        segments: old_segments
            .iter()
            .zip(&segments)
            .map(|(a, b)| SegmentMove { id: a.id.clone(), old_km: (a.from_km, a.to_km), new_km: (b.from_km, b.to_km) })
            .collect(),
        outposts,
        max_boundary_shift_m: max_shift_m,
    };
    Ok((Edit::RebaseBorder { line: new_line.clone(), segments }, report))
}
