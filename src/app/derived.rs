//! Values derived from the plan (segment geometry, coverage, rule findings, the summary, the picking index),
//! rebuilt only when the plan (or, for the timeline's coverage, the timeline quarter) changes.

use crate::map::picking::PickIndex;
use crate::model::{Assignment, Target};
use crate::model::{
    Coverage, Finding, Plan, Quarter, Severity, Stage, Summary, coverage_by_quarter, rules, stage_coverage,
    summary::summarize_with_coverage,
};
use geo::LineString;
use std::collections::HashMap;

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

/// The march chart's bars in order of their first assignment.
pub fn march_bars(plan: &Plan) -> Vec<MarchBar> {
    let mut bars: Vec<MarchBar> = Vec::new();
    let mut index: HashMap<(&Target, Quarter, Stage), usize> = HashMap::new();
    for (i, a) in plan.assignments.iter().enumerate() {
        let Assignment { target, quarter, stage, .. } = a;
        match index.get(&(target, *quarter, *stage)) {
            Some(&b) => bars[b].last = i,
            None => {
                let Some((from_km, to_km)) = plan.target_extent_km(target) else { continue };
                index.insert((target, *quarter, *stage), bars.len());
                bars.push(MarchBar {
                    target: target.clone(),
                    from_km,
                    to_km,
                    quarter: *quarter,
                    stage: *stage,
                    last: i,
                });
            }
        }
    }
    bars
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
        let segment_lines = plan
            .segments
            .segments()
            .iter()
            .map(|s| (s.id.clone(), plan.border.substring(s.from_km, s.to_km)))
            .collect();
        // Each coverage is computed once and shared by the rules and the summary.
        let coverage_stage2 = stage_coverage(plan, Stage::Two);
        let coverage_stage3 = stage_coverage(plan, Stage::Three);
        let findings = rules::check_with_coverage(plan, &coverage_stage3);
        let summary = summarize_with_coverage(plan, &[coverage_stage2.clone(), coverage_stage3.clone()]);
        let violations = Violations::of(plan, &findings);
        Self {
            generation,
            segment_lines,
            coverage_stage2,
            coverage_stage3,
            findings,
            summary,
            pick: PickIndex::build(plan),
            march_bars: march_bars(plan),
            timeline: None,
            violations,
        }
    }

    /// Follows the timeline quarter: computes its coverage when the quarter changes (`None`: timeline off).
    pub fn set_timeline(&mut self, plan: &Plan, quarter: Option<Quarter>) {
        match quarter {
            None => self.timeline = None,
            Some(q) if self.timeline.as_ref().is_some_and(|(tq, _)| *tq == q) => {}
            Some(q) => self.timeline = Some((q, coverage_by_quarter(plan, q))),
        }
    }

    /// Coverage of what is delivered by the timeline quarter (see [`Derived::set_timeline`]).
    pub fn timeline_coverage(&self) -> Option<&Coverage> {
        self.timeline.as_ref().map(|(_, c)| c)
    }
}
