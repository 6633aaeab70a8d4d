//! Values derived from the plan (segment geometry, coverage, rule findings, the picking index), rebuilt only
//! when the plan changes.

use crate::map::picking::PickIndex;
use crate::model::{Coverage, Finding, Plan, Quarter, Stage, coverage_by_quarter, rules, stage_coverage};
use geo::LineString;

pub struct Derived {
    /// The plan generation these values belong to.
    pub generation: u64,
    /// Segment id and its part of the border line, in plan order.
    pub segment_lines: Vec<(String, LineString<f64>)>,
    pub coverage_stage2: Coverage,
    pub coverage_stage3: Coverage,
    pub findings: Vec<Finding>,
    pub pick: PickIndex,
    /// Coverage by the timeline quarter, when the timeline is active.
    pub timeline: Option<(Quarter, Coverage)>,
}

impl Derived {
    pub fn build(plan: &Plan, generation: u64) -> Self {
        let segment_lines = plan
            .segments
            .segments()
            .iter()
            .map(|s| (s.id.clone(), plan.border.substring(s.from_km, s.to_km)))
            .collect();
        Self {
            generation,
            segment_lines,
            coverage_stage2: stage_coverage(plan, Stage::Two),
            coverage_stage3: stage_coverage(plan, Stage::Three),
            findings: rules::check(plan),
            pick: PickIndex::build(plan),
            timeline: None,
        }
    }

    /// Coverage for the timeline quarter (cached per quarter).
    pub fn timeline_coverage(&mut self, plan: &Plan, q: Quarter) -> &Coverage {
        if self.timeline.as_ref().is_none_or(|(tq, _)| *tq != q) {
            self.timeline = Some((q, coverage_by_quarter(plan, q)));
        }
        match &self.timeline {
            Some((_, c)) => c,
            None => &self.coverage_stage3,
        }
    }
}
