#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Surveillance coverage: interval union on hand-computed cases, sensor placement, stage accumulation and the
//! numbers of the bundled example plan.

use approx::assert_abs_diff_eq;
use borderplan::io::bundled;
use borderplan::model::coverage::sensor_intervals;
use borderplan::model::{
    Assignment, Border, Catalog, Category, Coverage, EquipmentType, Outpost, Plan, Quarter, Segmentation, Stage,
    Status, Target, stage_coverage,
};
use geo::{LineString, Point};
use serde_json::Map;

fn assert_intervals_eq(actual: &[(f64, f64)], expected: &[(f64, f64)], eps: f64) {
    assert_eq!(actual.len(), expected.len(), "intervals {actual:?} vs expected {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert_abs_diff_eq!(a.0, e.0, epsilon = eps);
        assert_abs_diff_eq!(a.1, e.1, epsilon = eps);
    }
}

#[test]
fn overlapping_sensors_are_counted_once_and_the_gaps_are_the_rest() {
    let c = Coverage::from_intervals(100.0, vec![(60.0, 70.0), (25.0, 40.0), (10.0, 30.0)]);
    assert_eq!(c.covered, vec![(10.0, 40.0), (60.0, 70.0)]);
    assert_eq!(c.covered_km, 40.0);
    assert_eq!(c.gaps, vec![(0.0, 10.0), (40.0, 60.0), (70.0, 100.0)]);
    assert_eq!(c.gap_km(), 60.0);
    assert_abs_diff_eq!(c.percent(), 40.0, epsilon = 1e-12);
    assert!(!c.is_complete());
}

#[test]
fn sensors_reaching_past_the_ends_are_clamped_to_the_border() {
    let c = Coverage::from_intervals(100.0, vec![(-5.0, 5.0), (95.0, 120.0), (-30.0, -10.0), (130.0, 140.0)]);
    assert_eq!(c.covered, vec![(0.0, 5.0), (95.0, 100.0)]);
    assert_eq!(c.covered_km, 10.0);
    assert_eq!(c.gaps, vec![(5.0, 95.0)]);
    let full = Coverage::from_intervals(100.0, vec![(-1.0, 50.0), (50.0, 101.0)]);
    assert_eq!(full.covered, vec![(0.0, 100.0)]);
    assert!(full.is_complete());
    assert_abs_diff_eq!(full.percent(), 100.0, epsilon = 1e-12);
}

#[test]
fn reversed_intervals_are_reordered_and_non_finite_ones_are_ignored() {
    let c = Coverage::from_intervals(100.0, vec![(30.0, 20.0), (f64::NAN, 50.0), (40.0, f64::INFINITY)]);
    assert_eq!(c.covered, vec![(20.0, 30.0)]);
    assert_eq!(c.gaps, vec![(0.0, 20.0), (30.0, 100.0)]);
}

#[test]
fn no_sensors_means_one_gap_over_the_whole_border() {
    let c = Coverage::from_intervals(100.0, Vec::new());
    assert_eq!(c.covered_km, 0.0);
    assert_eq!(c.gaps, vec![(0.0, 100.0)]);
    assert_eq!(c.percent(), 0.0);
}

// --- A plan on a known border: the equator from 0° to 1° E (111.3195 km on WGS84). ---

fn sensor(id: &str, range_km: f64) -> EquipmentType {
    let mut t = EquipmentType::new(id, id, Category::Surveillance, "set");
    t.detection_range_km = Some(range_km);
    t
}

fn equator_plan() -> Plan {
    let border = Border::new(LineString::from(vec![(0.0, 0.0), (1.0, 0.0)])).expect("equator border");
    let length = border.length_km();
    let segments = Segmentation::single(length);
    // An outpost 0.01° north of the middle of the line: chainage = half the length.
    let outposts = vec![Outpost::new("OP-1", "Middle", Point::new(0.5, 0.01))];
    let mut radio = EquipmentType::new("radio", "Radio", Category::Communications, "set");
    radio.detection_range_km = None;
    let catalog = Catalog { types: vec![sensor("camera", 5.0), sensor("radar", 2.0), radio] };
    Plan::new(border, segments, outposts, catalog)
}

fn assignment(id: &str, target: Target, equipment: &str, quantity: f64, stage: Stage) -> Assignment {
    let quarter = if stage == Stage::Two { Quarter::new(2026, 3) } else { Quarter::new(2028, 1) };
    Assignment {
        id: id.into(),
        target,
        equipment_id: equipment.into(),
        quantity,
        stage,
        supplier: "Russia".into(),
        quarter,
        status: Status::Planned,
        note: String::new(),
        extra: Map::new(),
    }
}

#[test]
fn the_equator_test_border_is_one_degree_of_longitude_long() {
    let plan = equator_plan();
    // 1° of longitude on the WGS84 equator: a·π/180 = 6378137 · π / 180 = 111319.49 m.
    assert_abs_diff_eq!(plan.border.length_km(), 111.319_490_793, epsilon = 1e-3);
    assert_abs_diff_eq!(plan.outposts[0].km, plan.border.length_km() / 2.0, epsilon = 0.01);
}

#[test]
fn an_outpost_sensor_covers_its_range_either_side_of_the_outpost() {
    let plan = equator_plan();
    let km = plan.outposts[0].km;
    let a = assignment("A-1", Target::Outpost("OP-1".into()), "camera", 3.0, Stage::Two);
    assert_eq!(sensor_intervals(&plan, &a), vec![(km - 5.0, km + 5.0)]);
}

#[test]
fn segment_sensors_are_spaced_evenly_with_one_at_the_middle_of_each_share() {
    let plan = equator_plan();
    let l = plan.border.length_km();
    let a = assignment("A-1", Target::Segment("SEG-001".into()), "radar", 4.0, Stage::Three);
    // Unit i at (i + ½)·L/4, each ±2 km.
    let expected: Vec<(f64, f64)> = (0..4).map(|i| (i as f64 + 0.5) * l / 4.0).map(|c| (c - 2.0, c + 2.0)).collect();
    assert_intervals_eq(&sensor_intervals(&plan, &a), &expected, 1e-9);
    // Fractional quantities count whole units only (2.7 → 2: at L/4 and 3L/4).
    let b = assignment("A-2", Target::Segment("SEG-001".into()), "radar", 2.7, Stage::Three);
    assert_intervals_eq(
        &sensor_intervals(&plan, &b),
        &[(l / 4.0 - 2.0, l / 4.0 + 2.0), (3.0 * l / 4.0 - 2.0, 3.0 * l / 4.0 + 2.0)],
        1e-9,
    );
}

#[test]
fn non_surveillance_equipment_unknown_targets_and_non_positive_quantities_cover_nothing() {
    let plan = equator_plan();
    let cases = [
        assignment("A-1", Target::Outpost("OP-1".into()), "radio", 3.0, Stage::Two),
        assignment("A-2", Target::Outpost("OP-9".into()), "camera", 3.0, Stage::Two),
        assignment("A-3", Target::Segment("SEG-404".into()), "radar", 3.0, Stage::Three),
        assignment("A-4", Target::Segment("SEG-001".into()), "radar", 0.0, Stage::Three),
        assignment("A-5", Target::Outpost("OP-1".into()), "camera", -1.0, Stage::Two),
        assignment("A-6", Target::Outpost("OP-1".into()), "no-such-sensor", 1.0, Stage::Two),
    ];
    for a in &cases {
        assert!(sensor_intervals(&plan, a).is_empty(), "{} should cover nothing", a.id);
    }
}

#[test]
fn stage_coverage_is_cumulative_so_stage3_includes_stage2_equipment() {
    let mut plan = equator_plan();
    let l = plan.border.length_km();
    let km = plan.outposts[0].km;
    plan.assignments.push(assignment("A-1", Target::Outpost("OP-1".into()), "camera", 1.0, Stage::Two));
    plan.assignments.push(assignment("A-2", Target::Segment("SEG-001".into()), "radar", 2.0, Stage::Three));
    let s2 = stage_coverage(&plan, Stage::Two);
    assert_intervals_eq(&s2.covered, &[(km - 5.0, km + 5.0)], 1e-9);
    assert_abs_diff_eq!(s2.covered_km, 10.0, epsilon = 1e-9);
    let s3 = stage_coverage(&plan, Stage::Three);
    // Radars at L/4 and 3L/4 (±2 km) plus the stage-2 camera at L/2 (±5 km): three disjoint pieces.
    let expected = [(l / 4.0 - 2.0, l / 4.0 + 2.0), (km - 5.0, km + 5.0), (3.0 * l / 4.0 - 2.0, 3.0 * l / 4.0 + 2.0)];
    assert_intervals_eq(&s3.covered, &expected, 1e-9);
    assert_abs_diff_eq!(s3.covered_km, 18.0, epsilon = 1e-9);
    assert!(s3.covered_km >= s2.covered_km);
    // Stage 1 sees nothing: no equipment is deployed then.
    assert_eq!(stage_coverage(&plan, Stage::One).covered_km, 0.0);
}

// --- The bundled example plan. ---
//
// Values obtained once by running `stage_coverage` on `bundled::example_plan()` and cross-checked with an
// independent Python re-implementation over data/example-plan.geojson (outpost `km` and segment `from_km`/`to_km`
// as stored, catalog ranges: thermal-tower 5 km, ground-radar 12 km, …); both agree to < 1e-4 km.
// Stage 2 = 10 outposts with a thermal tower (±5 km): 9 × 10 km + 9.0 km at OP-01 (clamped at km 0).

const EXAMPLE_LENGTH_KM: f64 = 1366.495796;
const EXAMPLE_STAGE2_COVERED_KM: f64 = 98.999969;
const EXAMPLE_STAGE2_PERCENT: f64 = 7.244806;
const EXAMPLE_STAGE2_GAPS: [(f64, f64); 10] = [
    (8.999969, 126.358947),
    (136.358947, 253.717925),
    (263.717925, 379.904183),
    (389.904183, 506.435931),
    (516.435931, 638.445962),
    (648.445962, 763.153935),
    (773.153935, 890.512891),
    (900.512891, 1017.871822),
    (1027.871822, 1145.230836),
    (1155.230836, 1366.495796),
];
const EXAMPLE_STAGE3_COVERED_KM: f64 = 1242.121614;
const EXAMPLE_STAGE3_PERCENT: f64 = 90.898312;
const EXAMPLE_STAGE3_GAPS: [(f64, f64); 2] = [(904.466794, 966.653885), (1224.590276, 1286.777367)];

#[test]
fn the_example_plan_covers_99_km_in_stage2_and_1242_km_in_stage3() {
    let plan = bundled::example_plan().expect("example plan");
    assert_abs_diff_eq!(plan.border.length_km(), EXAMPLE_LENGTH_KM, epsilon = 0.01);

    let s2 = stage_coverage(&plan, Stage::Two);
    assert_abs_diff_eq!(s2.covered_km, EXAMPLE_STAGE2_COVERED_KM, epsilon = 0.01);
    assert_abs_diff_eq!(s2.percent(), EXAMPLE_STAGE2_PERCENT, epsilon = 0.01);
    assert_intervals_eq(&s2.gaps, &EXAMPLE_STAGE2_GAPS, 0.01);

    let s3 = stage_coverage(&plan, Stage::Three);
    assert_abs_diff_eq!(s3.covered_km, EXAMPLE_STAGE3_COVERED_KM, epsilon = 0.01);
    assert_abs_diff_eq!(s3.percent(), EXAMPLE_STAGE3_PERCENT, epsilon = 0.01);
    assert_intervals_eq(&s3.gaps, &EXAMPLE_STAGE3_GAPS, 0.01);
    assert_abs_diff_eq!(s3.covered_km + s3.gap_km(), s3.length_km, epsilon = 1e-6);
}

/// Coverage as the union of every unit's own interval, the definition the faster paths must match.
fn unit_by_unit(plan: &Plan, stage: Stage) -> Coverage {
    let intervals = plan.assignments.iter().filter(|a| a.stage <= stage).flat_map(|a| sensor_intervals(plan, a));
    Coverage::from_intervals(plan.border.length_km(), intervals.collect())
}

#[test]
fn coverage_of_both_stages_in_one_pass_equals_the_union_of_every_unit() {
    let mut plan = bundled::example_plan().unwrap();
    // Every quantity from 1 to 40 units on each segment assignment: spacings both wider and narrower than a
    // sensor's reach (units that overlap are merged into one interval before sorting).
    let originals: Vec<Assignment> = plan.assignments.iter().cloned().collect();
    for (k, a) in originals.iter().enumerate() {
        if matches!(a.target, Target::Segment(_)) {
            let mut b = a.clone();
            b.quantity = (k % 40 + 1) as f64;
            plan.apply(borderplan::model::Edit::UpdateAssignment(b)).unwrap();
        }
    }
    let [s2, s3] = borderplan::model::coverage::stage2_and_stage3_coverage(&plan);
    for (fast, stage) in [(s2, Stage::Two), (s3, Stage::Three)] {
        let reference = unit_by_unit(&plan, stage);
        assert_intervals_eq(&fast.covered, &reference.covered, 1e-9);
        assert_intervals_eq(&fast.gaps, &reference.gaps, 1e-9);
        assert_abs_diff_eq!(fast.covered_km, reference.covered_km, epsilon = 1e-9);
        assert_eq!(fast, stage_coverage(&plan, stage));
    }
}
