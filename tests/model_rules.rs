#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Programme rules: a clean plan has no findings; each crafted fault produces exactly its own finding.

use approx::assert_abs_diff_eq;
use borderplan::io::bundled;
use borderplan::model::rules::check;
use borderplan::model::{Assignment, Finding, Plan, Quarter, Rule, Severity, Stage, Status, Target};
use serde_json::Map;

/// Ground-radar detection range in the bundled catalog (± km along the border per unit).
const RADAR_RANGE_KM: f64 = 12.0;

fn assignment(
    id: &str,
    target: Target,
    equipment: &str,
    quantity: f64,
    stage: Stage,
    supplier: &str,
    quarter: Quarter,
) -> Assignment {
    Assignment {
        id: id.into(),
        target,
        equipment_id: equipment.into(),
        quantity,
        stage,
        supplier: supplier.into(),
        quarter,
        status: Status::Planned,
        note: String::new(),
        extra: Map::new(),
    }
}

fn outpost(id: &str) -> Target {
    Target::Outpost(id.into())
}

/// Bundled new plan + one stage-2 outpost assignment (Russia, 2026-Q3) + two stage-3 ground radars on every
/// segment. Two radars on a segment of length L ≤ 25 km sit at L/4 and 3L/4 and cover ±12 km each, so every
/// segment (and the whole border) is covered.
fn clean_plan() -> Plan {
    let regions = bundled::regions().expect("bundled regions");
    let mut plan = bundled::new_plan(&regions).expect("bundled new plan");
    assert_eq!(plan.catalog.get("ground-radar").and_then(|t| t.coverage_range_km()), Some(RADAR_RANGE_KM));
    plan.assignments.push(assignment(
        "A-0001",
        outpost("OP-05"),
        "thermal-tower",
        2.0,
        Stage::Two,
        "Russia",
        Quarter::new(2026, 3),
    ));
    let segment_ids: Vec<String> = plan.segments.segments().iter().map(|s| s.id.clone()).collect();
    for (i, id) in segment_ids.into_iter().enumerate() {
        plan.assignments.push(assignment(
            &format!("R-{:03}", i + 1),
            Target::Segment(id),
            "ground-radar",
            2.0,
            Stage::Three,
            "Kazakhstan",
            Quarter::new(2028, 1),
        ));
    }
    plan
}

/// The clean plan plus one extra assignment.
fn clean_plan_with(a: Assignment) -> Plan {
    let mut plan = clean_plan();
    plan.assignments.push(a);
    plan
}

fn only_finding(plan: &Plan, rule: Rule) -> Finding {
    let findings = check(plan);
    assert_eq!(findings.len(), 1, "expected exactly one {rule:?} finding, got {findings:#?}");
    let f = findings.into_iter().next().expect("one finding");
    assert_eq!(f.rule, rule, "{f:#?}");
    f
}

#[test]
fn a_clean_plan_with_full_stage3_radar_coverage_has_no_findings_at_all() {
    let plan = clean_plan();
    let findings = check(&plan);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn stage2_equipment_on_a_segment_is_reported_as_not_at_an_outpost() {
    let plan = clean_plan_with(assignment(
        "X-1",
        Target::Segment("SEG-003".into()),
        "patrol-4x4",
        2.0,
        Stage::Two,
        "Russia",
        Quarter::new(2026, 3),
    ));
    let f = only_finding(&plan, Rule::Stage2NotAtOutpost);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.assignment_id.as_deref(), Some("X-1"));
    assert_eq!(f.target, Some(Target::Segment("SEG-003".into())));
    let seg = plan.segments.get("SEG-003").expect("SEG-003");
    assert_eq!(f.km, Some((seg.from_km, seg.to_km)));
    assert!(f.message.contains("stage 2 deploys at selected outposts only"), "{}", f.message);
}

#[test]
fn stage1_assignments_are_reported_as_deliveries_in_the_assessment_stage() {
    let plan = clean_plan_with(assignment(
        "X-1",
        outpost("OP-10"),
        "patrol-4x4",
        1.0,
        Stage::One,
        "Belarus",
        Quarter::new(2025, 3),
    ));
    let f = only_finding(&plan, Rule::Stage1Delivery);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.assignment_id.as_deref(), Some("X-1"));
    let km = plan.outpost("OP-10").expect("OP-10").km;
    assert_eq!(f.km, Some((km, km)));
}

#[test]
fn a_delivery_quarter_outside_the_stage_window_is_reported() {
    let plan = clean_plan_with(assignment(
        "X-1",
        outpost("OP-10"),
        "patrol-4x4",
        1.0,
        Stage::Two,
        "Belarus",
        Quarter::new(2028, 1),
    ));
    let f = only_finding(&plan, Rule::QuarterOutsideStage);
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains("2028-Q1") && f.message.contains("2026-Q1") && f.message.contains("2027-Q4"),
        "{}",
        f.message
    );
}

#[test]
fn armenia_is_reported_as_a_suspended_supplier() {
    let plan = clean_plan_with(assignment(
        "X-1",
        outpost("OP-10"),
        "patrol-4x4",
        1.0,
        Stage::Two,
        "Armenia",
        Quarter::new(2026, 4),
    ));
    let f = only_finding(&plan, Rule::SupplierSuspended);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("Armenia"), "{}", f.message);
}

#[test]
fn uzbekistan_is_reported_as_not_a_member_state() {
    let plan = clean_plan_with(assignment(
        "X-1",
        outpost("OP-10"),
        "patrol-4x4",
        1.0,
        Stage::Two,
        "Uzbekistan",
        Quarter::new(2026, 4),
    ));
    let f = only_finding(&plan, Rule::SupplierNotMember);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("Uzbekistan"), "{}", f.message);
}

#[test]
fn zero_negative_and_nan_quantities_are_reported_as_not_positive() {
    for q in [0.0, -3.0, f64::NAN, f64::INFINITY] {
        let plan = clean_plan_with(assignment(
            "X-1",
            outpost("OP-10"),
            "patrol-4x4",
            q,
            Stage::Two,
            "Russia",
            Quarter::new(2026, 4),
        ));
        let f = only_finding(&plan, Rule::QuantityNotPositive);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.assignment_id.as_deref(), Some("X-1"));
    }
}

#[test]
fn equipment_missing_from_the_catalog_is_reported() {
    let plan = clean_plan_with(assignment(
        "X-1",
        outpost("OP-10"),
        "laser-wall",
        1.0,
        Stage::Two,
        "Russia",
        Quarter::new(2026, 4),
    ));
    let f = only_finding(&plan, Rule::UnknownEquipment);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("laser-wall"), "{}", f.message);
}

#[test]
fn an_assignment_to_a_missing_outpost_is_reported_as_an_unknown_target() {
    let plan = clean_plan_with(assignment(
        "X-1",
        outpost("OP-99"),
        "patrol-4x4",
        1.0,
        Stage::Two,
        "Russia",
        Quarter::new(2026, 4),
    ));
    let f = only_finding(&plan, Rule::UnknownTarget);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.km, None);
    assert_eq!(f.target, Some(outpost("OP-99")));
    assert!(f.message.contains("OP-99"), "{}", f.message);
}

#[test]
fn removing_the_radars_of_one_segment_leaves_exactly_the_hand_computed_stage3_gap() {
    let mut plan = clean_plan();
    // Default segments (bundled border, 0.5 km sampling): SEG-001 = [0, 21], SEG-002 = [21, 42],
    // SEG-003 = [42, 65.4375]. Without SEG-002's radars:
    //   SEG-001's eastern radar sits at 3/4 · 21 = 15.75 and sees to 15.75 + 12 = 27.75;
    //   SEG-003's western radar sits at 42 + 23.4375 / 4 = 47.859375 and sees from 47.859375 − 12 = 35.859375.
    let s1 = plan.segments.get("SEG-001").expect("SEG-001").clone();
    let s3 = plan.segments.get("SEG-003").expect("SEG-003").clone();
    assert_abs_diff_eq!(s1.to_km, 21.0, epsilon = 1e-9);
    assert_abs_diff_eq!(s3.from_km, 42.0, epsilon = 1e-9);
    assert_abs_diff_eq!(s3.to_km, 65.4375, epsilon = 1e-9);
    plan.assignments.retain(|a| a.target != Target::Segment("SEG-002".into()));
    let f = only_finding(&plan, Rule::Stage3CoverageGap);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.assignment_id, None);
    assert_eq!(f.target, None);
    let (a, b) = f.km.expect("gap km");
    assert_abs_diff_eq!(a, 27.75, epsilon = 1e-9);
    assert_abs_diff_eq!(b, 35.859375, epsilon = 1e-9);
    assert_eq!(f.message, "No surveillance by the end of stage 3 from km 27.8 to km 35.9 (8.1 km)");
}

#[test]
fn findings_come_sorted_errors_first_then_by_km() {
    let mut plan = clean_plan();
    plan.assignments.retain(|a| a.target != Target::Segment("SEG-002".into()));
    plan.assignments.push(assignment(
        "X-1",
        outpost("OP-30"),
        "patrol-4x4",
        1.0,
        Stage::One,
        "Russia",
        Quarter::new(2025, 3),
    ));
    plan.assignments.push(assignment(
        "X-2",
        outpost("OP-02"),
        "patrol-4x4",
        1.0,
        Stage::Two,
        "Armenia",
        Quarter::new(2026, 3),
    ));
    let rules: Vec<Rule> = check(&plan).iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::SupplierSuspended, Rule::Stage1Delivery, Rule::Stage3CoverageGap]);
}

#[test]
fn the_bundled_example_plan_breaks_no_programme_rule() {
    let plan = bundled::example_plan().expect("example plan");
    let errors: Vec<String> = check(&plan)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.rule.code(), f.message))
        .collect();
    assert!(errors.is_empty(), "the example plan has rule errors:\n{}", errors.join("\n"));
}

#[test]
fn seventy_seven_km_of_fence_on_a_twenty_one_km_segment_is_reported_as_longer_than_its_segment() {
    let plan = clean_plan();
    let seg = plan.segments.segments()[0].clone();
    let fence = |q: f64| {
        assignment(
            "F-1",
            Target::Segment(seg.id.clone()),
            "border-fence",
            q,
            Stage::Three,
            "Russia",
            Quarter::new(2028, 2),
        )
    };
    let q = seg.length_km() + 56.0;
    let f = only_finding(&clean_plan_with(fence(q)), Rule::QuantityExceedsSegment);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.rule.code(), "quantity-exceeds-segment");
    assert_eq!(f.assignment_id.as_deref(), Some("F-1"));
    assert_eq!(f.km, Some((seg.from_km, seg.to_km)));
    assert!(f.message.contains(&format!("{q} km of")) && f.message.contains(&seg.name), "{}", f.message);
    // The whole segment fenced, its length written to 100 m, is right; 100 m more is not.
    let rounded_up = (seg.length_km() * 10.0).ceil() / 10.0;
    assert!(check(&clean_plan_with(fence(seg.length_km()))).is_empty());
    assert!(check(&clean_plan_with(fence(rounded_up))).is_empty());
    only_finding(&clean_plan_with(fence(rounded_up + 0.1)), Rule::QuantityExceedsSegment);
    // Units that are not km are counts, not lengths: 77 radars on a 21 km segment are no such finding.
    let mut radars = fence(q);
    radars.equipment_id = "ground-radar".into();
    assert!(check(&clean_plan_with(radars)).iter().all(|f| f.rule != Rule::QuantityExceedsSegment));
}
