//! Values derived from the plan (segment geometry, coverage, rule findings, the summary, the picking index),
//! rebuilt only when the plan (or, for the timeline's coverage, the timeline quarter) changes.

use crate::map::picking::PickIndex;
use crate::model::terrain::{TerrainFigures, label_findings};
use crate::model::{Assignment, Border, Segmentation, Target};
use crate::model::{
    Coverage, Finding, Plan, Quarter, Severity, Stage, Summary, coverage::stage2_and_stage3_coverage,
    coverage_by_quarter, rules, summary::summarize_with_coverage,
};
use geo::LineString;
use std::sync::Arc;

/// One bar of the march chart: every assignment on the same target, quarter and stage draws the same rectangle,
/// so the chart draws each once (a 50,000-row plan has a few thousand distinct bars).
#[derive(Debug, Clone, PartialEq)]
pub struct MarchBar {
    pub target: Target,
    pub from_km: f64,
    pub to_km: f64,
    pub quarter: Quarter,
    pub stage: Stage,
    /// The last assignment (plan order) drawn as this bar: the one a hover or click shows.
    pub last: usize,
}

/// The march chart's bars in order of their first assignment. Built per target (through the target index), so
/// the work per assignment is a comparison of quarter and stage with the few bars of its own target.
pub fn march_bars(plan: &Plan) -> Vec<MarchBar> {
    let mut bars: Vec<(usize, MarchBar)> = Vec::new();
    for (target, positions) in plan.assignments.targets() {
        let Some((from_km, to_km)) = plan.target_extent_km(target) else { continue };
        let start = bars.len();
        for &i in positions {
            let Some(a) = plan.assignments.get(i) else { continue };
            match bars[start..].iter_mut().find(|(_, b)| b.quarter == a.quarter && b.stage == a.stage) {
                Some((_, b)) => b.last = b.last.max(i),
                None => bars.push((
                    i,
                    MarchBar { target: target.clone(), from_km, to_km, quarter: a.quarter, stage: a.stage, last: i },
                )),
            }
        }
    }
    bars.sort_by_key(|(first, _)| *first);
    bars.into_iter().map(|(_, b)| b).collect()
}

/// The one assignment an edit changed in place (an `Edit::UpdateAssignment`): where it is and what it was.
/// Derived values that depend on only some of an assignment's fields keep their result when those stayed.
#[derive(Debug, Clone)]
pub struct RowEdit {
    /// The plan generation the edit produced.
    pub generation: u64,
    pub position: usize,
    pub before: Assignment,
}

impl RowEdit {
    /// The assignment after the edit, if it is still where it was.
    pub fn after<'a>(&self, plan: &'a Plan) -> Option<&'a Assignment> {
        plan.assignments.get(self.position).filter(|a| a.id == self.before.id)
    }

    /// The march chart draws targets, quarters and stages: an edit that left them alone leaves the bars.
    pub fn keeps_march_bars(&self, plan: &Plan) -> bool {
        self.after(plan).is_some_and(|a| {
            a.target == self.before.target && a.quarter == self.before.quarter && a.stage == self.before.stage
        })
    }
}

/// Values kept from the previous build when their [`GeometryKey`] is unchanged.
type Reusable = (Vec<(String, LineString<f64>)>, PickIndex, GeometryKey);

/// What the segment lines and the picking index are built from: the border, the segments and where the
/// outposts are. An edit of assignments leaves these alone, so their values are kept.
#[derive(Clone, PartialEq)]
struct GeometryKey {
    border: Arc<Border>,
    segments: Segmentation,
    outposts: Vec<(String, f64, f64)>,
}

impl GeometryKey {
    fn of(plan: &Plan) -> Self {
        Self {
            border: plan.border.clone(),
            segments: plan.segments.clone(),
            outposts: plan.outposts.iter().map(|o| (o.id.clone(), o.position.x(), o.position.y())).collect(),
        }
    }
}

pub struct Derived {
    /// The plan generation these values belong to.
    pub generation: u64,
    /// Segment id and its part of the border line, in plan order.
    pub segment_lines: Vec<(String, LineString<f64>)>,
    pub coverage_stage2: Coverage,
    pub coverage_stage3: Coverage,
    pub findings: Vec<Finding>,
    /// Totals and coverage per stage, supplier and category (the Summary tab).
    pub summary: Summary,
    pub pick: PickIndex,
    /// The march chart's distinct bars.
    pub march_bars: Vec<MarchBar>,
    /// Coverage by the timeline quarter, when the timeline is active.
    pub timeline: Option<(Quarter, Coverage)>,
    /// The line-of-sight figures the coverage above comes from (`None`: the range model, no terrain).
    pub terrain: Option<Arc<TerrainFigures>>,
    /// Border km unknown at the end of stages 2 and 3 (no elevation data, or voids on every sight line).
    pub unknown_km: [f64; 2],
    geometry_key: GeometryKey,
    /// Targets and assignments with an error finding: marked on the map and in the plan table.
    pub violations: Violations,
}

/// What the rules found in error, by target and by assignment id (looked up per drawn row or feature).
#[derive(Debug, Clone, Default)]
pub struct Violations {
    pub targets: std::collections::BTreeSet<Target>,
    pub assignments: std::collections::HashMap<String, Vec<String>>,
}

impl Violations {
    /// The error findings of `findings`, by target (the target of the finding, or of its assignment) and by
    /// assignment id (with their messages).
    pub fn of(plan: &Plan, findings: &[Finding]) -> Self {
        let mut out = Self::default();
        for f in findings.iter().filter(|f| f.severity == Severity::Error) {
            if let Some(t) = &f.target {
                out.targets.insert(t.clone());
            }
            if let Some(id) = &f.assignment_id {
                if let Some(a) = plan.assignment(id) {
                    out.targets.insert(a.target.clone());
                }
                out.assignments.entry(id.clone()).or_default().push(f.message.clone());
            }
        }
        out
    }
}

impl Derived {
    pub fn build(plan: &Plan, generation: u64) -> Self {
        Self::build_reusing(plan, generation, None, None, None)
    }

    /// Rebuilds after a change, keeping the segment lines and the picking index when the change left the
    /// border, the segments and the outposts alone (an assignment edit), and the march chart's bars when the
    /// caller knows the change left them alone (`keep_march_bars`).
    pub fn rebuild(&mut self, plan: &Plan, generation: u64, row_edit: Option<&RowEdit>) {
        let row_edit = row_edit.filter(|e| e.generation == generation && e.after(plan).is_some());
        let bars = row_edit.filter(|e| e.keeps_march_bars(plan)).map(|_| std::mem::take(&mut self.march_bars));
        // Range-model findings of the last plan, to update for the one changed assignment (terrain findings
        // are labelled with their figures, so they are found again in full).
        let findings = row_edit
            .filter(|_| self.terrain.is_none())
            .map(|e| (std::mem::take(&mut self.findings), e.before.id.as_str()));
        let previous = (
            std::mem::take(&mut self.segment_lines),
            std::mem::take(&mut self.pick),
            std::mem::replace(&mut self.geometry_key, GeometryKey::of(plan)),
        );
        *self = Self::build_reusing(plan, generation, Some(previous), bars, findings);
    }

    fn build_reusing(
        plan: &Plan,
        generation: u64,
        previous: Option<Reusable>,
        march_bars_kept: Option<Vec<MarchBar>>,
        findings_before_row_edit: Option<(Vec<Finding>, &str)>,
    ) -> Self {
        let geometry_key = GeometryKey::of(plan);
        let (segment_lines, pick) = match previous {
            Some((lines, pick, key)) if key == geometry_key => (lines, pick),
            _ => {
                let lines = plan
                    .segments
                    .segments()
                    .iter()
                    .map(|s| (s.id.clone(), plan.border.substring(s.from_km, s.to_km)))
                    .collect();
                (lines, PickIndex::build(plan))
            }
        };
        // Each coverage is computed once and shared by the rules and the summary.
        let [coverage_stage2, coverage_stage3] = stage2_and_stage3_coverage(plan);
        let findings = match findings_before_row_edit {
            Some((previous, id)) => rules::recheck_assignment(plan, &coverage_stage3, previous, id),
            None => rules::check_with_coverage(plan, &coverage_stage3),
        };
        let summary = summarize_with_coverage(plan, &[coverage_stage2.clone(), coverage_stage3.clone()]);
        let violations = Violations::of(plan, &findings);
        Self {
            generation,
            segment_lines,
            coverage_stage2,
            coverage_stage3,
            findings,
            summary,
            pick,
            march_bars: march_bars_kept.unwrap_or_else(|| march_bars(plan)),
            timeline: None,
            terrain: None,
            unknown_km: [0.0; 2],
            geometry_key,
            violations,
        }
    }

    /// Replaces coverage, findings and summary with the line-of-sight figures.
    pub fn apply_terrain(&mut self, plan: &Plan, figures: Arc<TerrainFigures>) {
        let s2 = figures.stage_coverage(Stage::Two);
        let s3 = figures.stage_coverage(Stage::Three);
        self.unknown_km = [s2.unknown_km, s3.unknown_km];
        self.coverage_stage2 = s2.coverage;
        self.coverage_stage3 = s3.coverage;
        self.findings = label_findings(rules::check_with_coverage(plan, &self.coverage_stage3), &figures);
        self.violations = Violations::of(plan, &self.findings);
        self.summary = summarize_with_coverage(plan, &[self.coverage_stage2.clone(), self.coverage_stage3.clone()]);
        self.terrain = Some(figures);
        let quarter = self.timeline.take().map(|(q, _)| q);
        self.set_timeline(plan, quarter);
    }

    /// Follows the timeline quarter: computes its coverage when the quarter changes (`None`: timeline off).
    pub fn set_timeline(&mut self, plan: &Plan, quarter: Option<Quarter>) {
        match quarter {
            None => self.timeline = None,
            Some(q) if self.timeline.as_ref().is_some_and(|(tq, _)| *tq == q) => {}
            Some(q) => {
                let c = match &self.terrain {
                    Some(f) => f.coverage_where(|s| s.quarter <= q).coverage,
                    None => coverage_by_quarter(plan, q),
                };
                self.timeline = Some((q, c));
            }
        }
    }

    /// Coverage of what is delivered by the timeline quarter (see [`Derived::set_timeline`]).
    pub fn timeline_coverage(&self) -> Option<&Coverage> {
        self.timeline.as_ref().map(|(_, c)| c)
    }
}
