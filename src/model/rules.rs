//! Programme rules: every finding says how bad it is, what it is about and where.

use super::coverage::stage_coverage;
use super::lookup::Lookup;
use super::members::Participation;
use super::plan::{Assignment, Plan, Target};
use super::stages::Stage;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Which rule produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Stage 2 deploys at selected outposts only.
    Stage2NotAtOutpost,
    /// Stage 1 is assessment and contracts: nothing is delivered.
    Stage1Delivery,
    QuarterOutsideStage,
    SupplierSuspended,
    SupplierNotMember,
    QuantityNotPositive,
    /// A per-km quantity on a segment longer than the segment (77 km of fence on a 21 km segment).
    QuantityExceedsSegment,
    UnknownEquipment,
    UnknownTarget,
    /// By the end of stage 3 surveillance must cover the entire frontier.
    Stage3CoverageGap,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::Stage2NotAtOutpost => "stage2-not-at-outpost",
            Rule::Stage1Delivery => "stage1-delivery",
            Rule::QuarterOutsideStage => "quarter-outside-stage",
            Rule::SupplierSuspended => "supplier-suspended",
            Rule::SupplierNotMember => "supplier-not-member",
            Rule::QuantityNotPositive => "quantity-not-positive",
            Rule::QuantityExceedsSegment => "quantity-exceeds-segment",
            Rule::UnknownEquipment => "unknown-equipment",
            Rule::UnknownTarget => "unknown-target",
            Rule::Stage3CoverageGap => "stage3-coverage-gap",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub rule: Rule,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// The km range the finding concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub km: Option<(f64, f64)>,
}

/// Runs every rule over the plan. Findings come sorted: errors first, then by km.
pub fn check(plan: &Plan) -> Vec<Finding> {
    check_with_coverage(plan, &stage_coverage(plan, Stage::Three))
}

/// As [`check`], with the plan's stage-3 coverage already computed (the app computes it once per change).
pub fn check_with_coverage(plan: &Plan, stage3: &super::coverage::Coverage) -> Vec<Finding> {
    let lookup = Lookup::new(plan);
    let mut out = Vec::new();
    for a in &plan.assignments {
        check_assignment(plan, &lookup, a, &mut out);
    }
    push_gap_findings(stage3, &mut out);
    sort_findings(plan, out)
}

/// The findings of `previous` (what [`check_with_coverage`] gave before one assignment changed in place) brought
/// up to date: that assignment's findings and the coverage gaps are found again, the rest are kept. Equal to
/// [`check_with_coverage`] on the changed plan, at the cost of one assignment instead of every one.
pub fn recheck_assignment(
    plan: &Plan,
    stage3: &super::coverage::Coverage,
    previous: Vec<Finding>,
    assignment_id: &str,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = previous
        .into_iter()
        .filter(|f| f.rule != Rule::Stage3CoverageGap && f.assignment_id.as_deref() != Some(assignment_id))
        .collect();
    if let Some(a) = plan.assignment(assignment_id) {
        check_assignment(plan, &Lookup::new(plan), a, &mut out);
    }
    push_gap_findings(stage3, &mut out);
    sort_findings(plan, out)
}

/// Orders findings by severity, then by where they are; findings at the same place keep plan order (the
/// order of their assignments, in the order the rules ran), coverage gaps after assignments.
fn sort_findings(plan: &Plan, findings: Vec<Finding>) -> Vec<Finding> {
    let position =
        |f: &Finding| f.assignment_id.as_deref().and_then(|id| plan.assignments.position(id)).unwrap_or(usize::MAX);
    let mut keyed: Vec<(usize, Finding)> = findings.into_iter().map(|f| (position(&f), f)).collect();
    keyed.sort_by(|(px, x), (py, y)| {
        x.severity
            .cmp(&y.severity)
            .then(x.km.map(|k| k.0).unwrap_or(f64::MAX).total_cmp(&y.km.map(|k| k.0).unwrap_or(f64::MAX)))
            .then(px.cmp(py))
    });
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// The rules about one assignment.
fn check_assignment<'a>(plan: &Plan, lookup: &Lookup<'a>, a: &'a Assignment, out: &mut Vec<Finding>) {
    let extent = lookup.target_extent_km(&a.target);
    let equipment = lookup.equipment(&a.equipment_id);
    // Names go into messages only: built when a rule fires, not for every row.
    let name = || plan.target_name(&a.target).unwrap_or(a.target.id()).to_owned();
    let eq_name = || equipment.map(|t| t.name.clone()).unwrap_or_else(|| a.equipment_id.clone());
    let mut push = |severity, rule, message: String| {
        out.push(Finding {
            severity,
            rule,
            message,
            assignment_id: Some(a.id.clone()),
            target: Some(a.target.clone()),
            km: extent,
        })
    };
    if extent.is_none() {
        push(
            Severity::Error,
            Rule::UnknownTarget,
            format!("{}: {} “{}” does not exist in this plan", a.id, a.target.kind(), a.target.id()),
        );
    }
    if equipment.is_none() {
        push(
            Severity::Error,
            Rule::UnknownEquipment,
            format!("{}: equipment “{}” is not in the catalog", a.id, a.equipment_id),
        );
    }
    if a.stage == Stage::One {
        push(
            Severity::Error,
            Rule::Stage1Delivery,
            format!(
                "{}: {} at {} is assigned to stage 1, which covers assessment and contracts only; use stage 2 or 3",
                a.id,
                eq_name(),
                name()
            ),
        );
    }
    if a.stage == Stage::Two && matches!(a.target, Target::Segment(_)) {
        push(
            Severity::Error,
            Rule::Stage2NotAtOutpost,
            format!(
                "{}: stage-2 {} is assigned to segment {}; stage 2 deploys at selected outposts only",
                a.id,
                eq_name(),
                name()
            ),
        );
    }
    if !a.stage.contains(a.quarter) {
        let (q0, q1) = a.stage.window();
        push(
            Severity::Error,
            Rule::QuarterOutsideStage,
            format!("{}: delivery in {} is outside the {} window {q0} … {q1}", a.id, a.quarter, a.stage),
        );
    }
    match lookup.member(&a.supplier) {
        Some(m) if m.participation == Participation::Suspended => push(
            Severity::Error,
            Rule::SupplierSuspended,
            format!("{}: {} has suspended its participation and cannot supply {}", a.id, m.name, eq_name()),
        ),
        Some(_) => {}
        None => push(
            Severity::Error,
            Rule::SupplierNotMember,
            format!("{}: “{}” is not a member state of the programme", a.id, a.supplier),
        ),
    }
    if !(a.quantity.is_finite() && a.quantity > 0.0) {
        push(
            Severity::Error,
            Rule::QuantityNotPositive,
            format!("{}: quantity {} of {} must be more than zero", a.id, a.quantity, eq_name()),
        );
    }
    if let (Target::Segment(_), Some((from_km, to_km)), Some(t)) = (&a.target, extent, equipment) {
        let length_km = to_km - from_km;
        if t.is_per_km() && a.quantity > allowed_km(length_km) {
            push(
                Severity::Error,
                Rule::QuantityExceedsSegment,
                format!(
                    "{}: {} km of {} on segment {}, which is {length_km:.3} km long",
                    a.id,
                    a.quantity,
                    eq_name(),
                    name()
                ),
            );
        }
    }
}

/// The most per-km equipment a segment of `length_km` takes: its length rounded up to 100 m, as planners write
/// lengths (23.3 km of fence on a 23.25 km segment is the whole segment, 23.4 km is not).
fn allowed_km(length_km: f64) -> f64 {
    (length_km * 10.0 - 1e-9).ceil() / 10.0 + 1e-9
}

/// A warning for each gap left in stage-3 coverage.
fn push_gap_findings(stage3: &super::coverage::Coverage, out: &mut Vec<Finding>) {
    for &(a, b) in &stage3.gaps {
        out.push(Finding {
            severity: Severity::Warning,
            rule: Rule::Stage3CoverageGap,
            message: format!("No surveillance by the end of stage 3 from km {a:.1} to km {b:.1} ({:.1} km)", b - a),
            assignment_id: None,
            target: None,
            km: Some((a, b)),
        });
    }
}
