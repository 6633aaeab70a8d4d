#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Three-way merge of plans: properties (a side equal to the base gives the other side) and the cases a
//! planner meets (edits of different things combine, the same field changed both ways is a conflict).

use borderplan::io::{bundled, plan_file};
use borderplan::model::merge::{diff, merge};
use borderplan::model::{Edit, Pick, Plan, Resolutions, Target};
use proptest::prelude::*;
use std::sync::LazyLock;

static EXAMPLE: LazyLock<Plan> = LazyLock::new(|| bundled::example_plan().expect("example plan"));

/// An edit described by numbers, made concrete against the plan it is applied to.
#[derive(Debug, Clone)]
enum Op {
    Quantity(usize, f64),
    Note(usize, String),
    Remove(usize),
    Add(usize, f64),
    Rename(usize, String),
    Split(f64),
    Title(String),
    MoveOutpost(usize, f64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), 1.0..40.0f64).prop_map(|(i, q)| Op::Quantity(i, q.round())),
        2 => (any::<usize>(), "[a-z ]{1,10}").prop_map(|(i, n)| Op::Note(i, n)),
        2 => any::<usize>().prop_map(Op::Remove),
        2 => (any::<usize>(), 1.0..9.0f64).prop_map(|(i, q)| Op::Add(i, q.round())),
        1 => (any::<usize>(), "[A-Za-z]{1,10}").prop_map(|(i, n)| Op::Rename(i, n)),
        1 => (0.02..0.98f64).prop_map(Op::Split),
        1 => "[A-Za-z]{1,10}".prop_map(Op::Title),
        1 => (any::<usize>(), -0.01..0.01f64).prop_map(|(i, d)| Op::MoveOutpost(i, d)),
    ]
}

fn apply(plan: &mut Plan, op: &Op) {
    let n = plan.assignments.len();
    let segs = plan.segments.segments();
    let edit = match op {
        Op::Quantity(i, q) if n > 0 => {
            let mut a = plan.assignments[i % n].clone();
            a.quantity = *q;
            Edit::UpdateAssignment(a)
        }
        Op::Note(i, text) if n > 0 => {
            let mut a = plan.assignments[i % n].clone();
            a.note = text.clone();
            Edit::UpdateAssignment(a)
        }
        Op::Remove(i) if n > 0 => Edit::RemoveAssignments(vec![plan.assignments[i % n].id.clone()]),
        Op::Add(i, q) if n > 0 => {
            let mut a = plan.assignments[i % n].clone();
            a.id = plan.fresh_assignment_id();
            a.quantity = *q;
            Edit::AddAssignments(vec![a])
        }
        Op::Rename(i, name) => Edit::RenameSegment { id: segs[i % segs.len()].id.clone(), name: name.clone() },
        Op::Split(f) => Edit::SplitSegment { km: f * plan.border.length_km() },
        Op::Title(t) => {
            let mut m = plan.meta.clone();
            m.title = t.clone();
            Edit::SetMeta(m)
        }
        Op::MoveOutpost(i, d) => {
            let mut list = plan.outposts.clone();
            let k = i % list.len();
            list[k].position = geo::Point::new(list[k].position.x() + d, list[k].position.y());
            Edit::ReplaceOutposts(list)
        }
        _ => return,
    };
    // Some edits are refused (a split too close to a boundary): the plan is then unchanged.
    let _ = plan.apply(edit);
}

fn edited(ops: &[Op]) -> Plan {
    let mut p = EXAMPLE.clone();
    for o in ops {
        apply(&mut p, o);
    }
    p
}

/// Plans compared as their files are written (assignments grouped by target, lossless).
fn text(p: &Plan) -> String {
    plan_file::to_string(p).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn merging_with_an_unchanged_side_gives_the_changed_side(ops in prop::collection::vec(op(), 1..8)) {
        let base = &*EXAMPLE;
        let changed = edited(&ops);
        let m = merge(base, &changed, base, &Resolutions::default()).unwrap();
        prop_assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        prop_assert_eq!(text(&m.plan), text(&changed));
        let m = merge(base, base, &changed, &Resolutions::default()).unwrap();
        prop_assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        prop_assert_eq!(text(&m.plan), text(&changed));
    }

    #[test]
    fn merging_two_identical_sides_gives_that_side(ops in prop::collection::vec(op(), 1..8)) {
        let both = edited(&ops);
        let m = merge(&EXAMPLE, &both, &both, &Resolutions::default()).unwrap();
        prop_assert!(m.conflicts.is_empty());
        prop_assert_eq!(text(&m.plan), text(&both));
    }

    #[test]
    fn every_conflict_is_answered_by_picking_a_side_and_the_answer_is_taken(
        ours_ops in prop::collection::vec(op(), 1..6),
        theirs_ops in prop::collection::vec(op(), 1..6),
    ) {
        let (ours, theirs) = (edited(&ours_ops), edited(&theirs_ops));
        let open = merge(&EXAMPLE, &ours, &theirs, &Resolutions::default()).unwrap();
        for pick in [Pick::Ours, Pick::Theirs] {
            let m = merge(&EXAMPLE, &ours, &theirs, &Resolutions::all(pick)).unwrap();
            prop_assert!(m.conflicts.is_empty());
            prop_assert_eq!(m.resolved, open.conflicts.len());
            // The chosen side's value (as the conflict shows it: after a split on the other side, the share of
            // the part) is what the merged assignment holds.
            for c in open.conflicts.iter().filter(|c| c.item.starts_with("assignment ")) {
                let id = c.item.trim_start_matches("assignment ");
                let chosen = if pick == Pick::Ours { &c.ours } else { &c.theirs };
                let merged = m.plan.assignment(id).map(|a| serde_json::to_value(a).unwrap());
                match (&c.field, chosen) {
                    (Some(field), Some(v)) => {
                        prop_assert_eq!(merged.as_ref().and_then(|a| a.get(field)), Some(v), "{}", c.line())
                    }
                    (Some(field), None) => {
                        prop_assert_eq!(merged.as_ref().and_then(|a| a.get(field)), None, "{}", c.line())
                    }
                    (None, None) => prop_assert!(merged.is_none(), "{}", c.line()),
                    (None, Some(_)) => prop_assert!(merged.is_some(), "{}", c.line()),
                }
            }
        }
    }
}

#[test]
fn edits_of_different_assignments_segments_and_details_combine_without_a_conflict() {
    let base = EXAMPLE.clone();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let mut a = ours.assignments[0].clone();
    a.quantity += 5.0;
    ours.apply(Edit::UpdateAssignment(a.clone())).unwrap();
    let mut b = theirs.assignments[1].clone();
    b.note = "moved to Q4 after the site survey".into();
    theirs.apply(Edit::UpdateAssignment(b.clone())).unwrap();
    let seg = base.segments.segments()[2].id.clone();
    theirs.apply(Edit::RenameSegment { id: seg.clone(), name: "Renamed by them".into() }).unwrap();
    let mut meta = ours.meta.clone();
    meta.author = "Border troops staff".into();
    ours.apply(Edit::SetMeta(meta)).unwrap();
    let added = {
        let mut c = base.assignments[2].clone();
        c.id = theirs.fresh_assignment_id();
        c
    };
    theirs.apply(Edit::AddAssignments(vec![added.clone()])).unwrap();
    let gone = base.assignments[3].id.clone();
    ours.apply(Edit::RemoveAssignments(vec![gone.clone()])).unwrap();

    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    assert_eq!(m.plan.assignment(&a.id), Some(&a));
    assert_eq!(m.plan.assignment(&b.id), Some(&b));
    assert_eq!(m.plan.assignment(&added.id), Some(&added));
    assert!(m.plan.assignment(&gone).is_none());
    assert_eq!(m.plan.segments.get(&seg).unwrap().name, "Renamed by them");
    assert_eq!(m.plan.meta.author, "Border troops staff");
    assert_eq!(m.plan.assignments.len(), base.assignments.len());
}

#[test]
fn the_same_field_changed_both_ways_is_a_conflict_that_the_answer_decides() {
    let base = EXAMPLE.clone();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let mut a = base.assignments[0].clone();
    a.quantity = 7.0;
    ours.apply(Edit::UpdateAssignment(a.clone())).unwrap();
    a.quantity = 9.0;
    theirs.apply(Edit::UpdateAssignment(a.clone())).unwrap();
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert_eq!(m.conflicts.len(), 1);
    let c = &m.conflicts[0];
    assert_eq!(c.line(), format!("assignment {} quantity: ours 7.0, theirs 9.0", a.id));
    let mut answers = Resolutions::default();
    answers.each.insert(c.key(), Pick::Theirs);
    let m = merge(&base, &ours, &theirs, &answers).unwrap();
    assert!(m.conflicts.is_empty());
    assert_eq!(m.plan.assignment(&a.id).unwrap().quantity, 9.0);
}

#[test]
fn removing_what_the_other_side_changed_is_a_conflict_not_a_silent_loss() {
    let base = EXAMPLE.clone();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let mut a = base.assignments[4].clone();
    ours.apply(Edit::RemoveAssignments(vec![a.id.clone()])).unwrap();
    a.status = borderplan::model::Status::Contracted;
    theirs.apply(Edit::UpdateAssignment(a.clone())).unwrap();
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].line(), format!("assignment {}: ours removed it, theirs changed it", a.id));
    let m = merge(&base, &ours, &theirs, &Resolutions::all(Pick::Theirs)).unwrap();
    assert_eq!(m.plan.assignment(&a.id), Some(&a));
}

#[test]
fn splits_of_different_segments_on_both_sides_combine_into_one_partition() {
    let base = EXAMPLE.clone();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let s = base.segments.segments();
    ours.apply(Edit::SplitSegment { km: s[5].mid_km() }).unwrap();
    theirs.apply(Edit::SplitSegment { km: s[20].mid_km() }).unwrap();
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    assert_eq!(m.plan.segments.len(), base.segments.len() + 2);
    let total = |p: &Plan, t: &Target| p.assignments_for(t).map(|a| a.quantity).sum::<f64>();
    for seg in [&s[5], &s[20]] {
        let west = Target::Segment(seg.id.clone());
        assert!(total(&m.plan, &west) <= total(&base, &west));
    }
    let q = |p: &Plan| p.assignments.iter().map(|a| a.quantity).sum::<f64>();
    assert!((q(&m.plan) - q(&base)).abs() < 1e-6, "splits move quantities, they never add or lose any");
}

#[test]
fn diff_lists_one_line_per_change() {
    let base = EXAMPLE.clone();
    let mut other = base.clone();
    let mut a = base.assignments[0].clone();
    a.quantity = 42.0;
    other.apply(Edit::UpdateAssignment(a.clone())).unwrap();
    let gone = base.assignments[1].id.clone();
    other.apply(Edit::RemoveAssignments(vec![gone.clone()])).unwrap();
    let lines = diff(&base, &other);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(&format!("assignment {} quantity: ", a.id)) && lines[0].ends_with("→ 42.0"));
    assert_eq!(lines[1], format!("assignment {gone} removed"));
    assert!(diff(&base, &base).is_empty());
}

/// Per-km quantity of each per-km equipment type over the given segments.
fn per_km_totals(p: &Plan, segments: &[String]) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    for a in p.assignments.iter() {
        let on = matches!(&a.target, Target::Segment(id) if segments.contains(id));
        if on && p.catalog.get(&a.equipment_id).is_some_and(|t| t.is_per_km()) {
            *out.entry(a.equipment_id.clone()).or_insert(0.0) += a.quantity;
        }
    }
    out
}

/// The segments that now cover base segment `id`'s stretch.
fn parts_of(p: &Plan, base: &Plan, id: &str) -> Vec<String> {
    let g = base.segments.get(id).unwrap();
    let inside = |s: &&borderplan::model::Segment| s.from_km >= g.from_km - 1e-6 && s.to_km <= g.to_km + 1e-6;
    p.segments.segments().iter().filter(inside).map(|s| s.id.clone()).collect()
}

/// The first per-km assignment on base segment `index`.
fn fence_on(base: &Plan, index: usize) -> borderplan::model::Assignment {
    let seg = &base.segments.segments()[index];
    base.assignments_for(&Target::Segment(seg.id.clone()))
        .find(|a| base.catalog.get(&a.equipment_id).is_some_and(|t| t.is_per_km()))
        .expect("a per-km assignment on the segment")
        .clone()
}

#[test]
fn a_split_on_one_side_and_a_new_fence_length_and_status_on_the_other_reach_every_part_with_true_totals() {
    let base = EXAMPLE.clone();
    let seg = base.segments.segments()[3].clone();
    let fence = fence_on(&base, 3);
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.apply(Edit::SplitSegment { km: seg.from_km + 10.0 }).unwrap();
    let mut edited = fence.clone();
    edited.quantity = 20.0;
    edited.status = borderplan::model::Status::Contracted;
    theirs.apply(Edit::UpdateAssignment(edited)).unwrap();
    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        let m = merge(&base, o, t, &Resolutions::default()).unwrap();
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let parts = parts_of(&m.plan, &base, &seg.id);
        assert_eq!(parts.len(), 2);
        let fences: Vec<_> = m
            .plan
            .assignments
            .iter()
            .filter(|a| a.equipment_id == fence.equipment_id && parts.contains(&a.target.id().to_owned()))
            .collect();
        assert_eq!(fences.len(), 2, "one fence per part: {fences:?}");
        let total: f64 = fences.iter().map(|a| a.quantity).sum();
        assert!((total - 20.0).abs() < 1e-9, "the 20 km the edit set, shared: {total}");
        for a in &fences {
            assert_eq!(a.status, borderplan::model::Status::Contracted, "{}", a.id);
            let s = m.plan.segments.get(a.target.id()).unwrap();
            assert!(a.quantity <= s.length_km(), "{} km on a {} km part", a.quantity, s.length_km());
        }
        // Shared as the split shared the old length: 10 of 23.4 km west.
        let west = fences.iter().find(|a| a.target.id() == seg.id).unwrap();
        assert!((west.quantity - 20.0 * 10.0 / seg.length_km()).abs() < 0.01, "{}", west.quantity);
        assert!(borderplan::model::merge::new_rule_errors(&m.plan, o, t).is_empty());
    }
}

#[test]
fn an_assignment_added_to_a_segment_the_other_side_split_is_shared_among_the_parts_by_length() {
    let base = EXAMPLE.clone();
    let seg = base.segments.segments()[6].clone();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.apply(Edit::SplitSegment { km: seg.from_km + 5.0 }).unwrap();
    let mut added = fence_on(&base, 6);
    added.id = theirs.fresh_assignment_id();
    added.quantity = 12.0;
    added.note = "second line".into();
    theirs.apply(Edit::AddAssignments(vec![added.clone()])).unwrap();
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    let parts: Vec<_> = m.plan.assignments.iter().filter(|a| a.note == "second line").collect();
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts.iter().map(|a| a.quantity).sum::<f64>(), 12.0);
    assert!(parts.iter().any(|a| a.id == added.id));
    let west = parts.iter().find(|a| a.target.id() == seg.id).unwrap();
    assert!((west.quantity - 12.0 * 5.0 / seg.length_km()).abs() < 0.001, "{}", west.quantity);
}

#[test]
fn an_assignment_added_to_the_eastern_segment_follows_when_the_other_side_merges_it_into_its_neighbour() {
    let base = EXAMPLE.clone();
    let s = base.segments.segments();
    let (west, east) = (s[3].id.clone(), s[4].id.clone());
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.apply(Edit::MergeSegmentWithNext { id: west.clone() }).unwrap();
    let mut added = fence_on(&base, 4);
    added.id = theirs.fresh_assignment_id();
    added.quantity = 3.0;
    theirs.apply(Edit::AddAssignments(vec![added.clone()])).unwrap();
    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        let m = merge(&base, o, t, &Resolutions::default()).unwrap();
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        assert!(m.plan.segments.get(&east).is_none());
        let a = m.plan.assignment(&added.id).unwrap();
        assert_eq!(a.target, Target::Segment(west.clone()), "it follows the merged segment");
        assert!(m.plan.assignments.iter().all(|a| m.plan.target_exists(&a.target)), "nothing is left unattached");
        assert!(borderplan::model::merge::new_rule_errors(&m.plan, o, t).is_empty());
    }
}

/// An equipment type few assignments use, and the plan without them and without the type.
fn without_type(base: &Plan) -> (String, Plan) {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for a in base.assignments.iter() {
        *counts.entry(a.equipment_id.clone()).or_default() += 1;
    }
    let id = counts.iter().min_by_key(|(_, n)| **n).map(|(id, _)| id.clone()).unwrap();
    let mut p = base.clone();
    let using: Vec<String> = p.assignments.iter().filter(|a| a.equipment_id == id).map(|a| a.id.clone()).collect();
    p.apply(Edit::RemoveAssignments(using)).unwrap();
    p.apply(Edit::RemoveEquipment { id: id.clone() }).unwrap();
    (id, p)
}

#[test]
fn a_catalog_type_removed_on_one_side_while_the_other_starts_using_it_is_a_conflict_the_answer_decides() {
    let base = EXAMPLE.clone();
    let (kind, ours) = without_type(&base);
    let mut theirs = base.clone();
    let mut added = base.assignments.iter().find(|a| a.equipment_id == kind).unwrap().clone();
    added.id = theirs.fresh_assignment_id();
    theirs.apply(Edit::AddAssignments(vec![added.clone()])).unwrap();
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    assert_eq!(
        m.conflicts[0].line(),
        format!("equipment {kind} in use: ours removed it, theirs keeps it (1 assignment uses it)")
    );
    let kept = merge(&base, &ours, &theirs, &Resolutions::all(Pick::Theirs)).unwrap();
    assert!(kept.conflicts.is_empty());
    assert!(kept.plan.catalog.get(&kind).is_some());
    assert_eq!(kept.plan.assignment(&added.id), Some(&added));
    let removed = merge(&base, &ours, &theirs, &Resolutions::all(Pick::Ours)).unwrap();
    assert!(removed.plan.catalog.get(&kind).is_none());
    assert!(removed.plan.assignment(&added.id).is_none(), "no assignment is left with an unknown type");
    // The same conflict, sides swapped.
    let swapped = merge(&base, &theirs, &ours, &Resolutions::default()).unwrap();
    assert_eq!(swapped.conflicts.len(), 1);
    assert!(swapped.conflicts[0].line().ends_with("ours keeps it (1 assignment uses it), theirs removed it"));
}

#[test]
fn an_outpost_removed_on_one_side_while_the_other_assigns_to_it_is_a_conflict_the_answer_decides() {
    let base = EXAMPLE.clone();
    let gone = base.outposts[2].clone();
    let mut ours = base.clone();
    let rest: Vec<_> = base.outposts.iter().filter(|o| o.id != gone.id).cloned().collect();
    ours.apply(Edit::ReplaceOutposts(rest)).unwrap();
    let mut theirs = base.clone();
    let mut added = base.assignments[0].clone();
    added.id = theirs.fresh_assignment_id();
    added.target = Target::Outpost(gone.id.clone());
    theirs.apply(Edit::AddAssignments(vec![added.clone()])).unwrap();
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    assert!(m.conflicts[0].line().starts_with(&format!("outpost {} in use: ours removed it", gone.id)));
    let kept = merge(&base, &ours, &theirs, &Resolutions::all(Pick::Theirs)).unwrap();
    assert!(kept.plan.outpost(&gone.id).is_some());
    assert_eq!(kept.plan.assignment(&added.id), Some(&added));
    let removed = merge(&base, &ours, &theirs, &Resolutions::all(Pick::Ours)).unwrap();
    assert!(removed.plan.outpost(&gone.id).is_none());
    assert!(removed.plan.assignments.iter().all(|a| removed.plan.target_exists(&a.target)));
}

#[test]
fn two_copies_pushed_to_one_database_merge_without_a_conflict_on_the_database_link() {
    let link = |v: i64| serde_json::json!({"database": "gis.example:5432/plans", "name": "khatlon-2027", "version": v});
    let mut base = EXAMPLE.clone();
    base.extra.insert("database".into(), link(3));
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.extra.insert("database".into(), link(4));
    theirs.extra.insert("database".into(), link(5));
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    assert_eq!(m.plan.extra.get("database"), Some(&link(5)), "the later version of the same plan");
    let m = merge(&base, &theirs, &ours, &Resolutions::default()).unwrap();
    assert_eq!(m.plan.extra.get("database"), Some(&link(5)));
    let mut elsewhere = theirs.clone();
    elsewhere
        .extra
        .insert("database".into(), serde_json::json!({"database": "other:5432/x", "name": "p", "version": 9}));
    let m = merge(&base, &ours, &elsewhere, &Resolutions::default()).unwrap();
    assert!(m.conflicts.is_empty());
    assert_eq!(m.plan.extra.get("database"), Some(&link(4)), "a link to another plan keeps ours");
    // Other unknown members still conflict as before.
    ours.extra.insert("x_team".into(), serde_json::json!("north"));
    theirs.extra.insert("x_team".into(), serde_json::json!("south"));
    let m = merge(&base, &ours, &theirs, &Resolutions::default()).unwrap();
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].item, "file member borderplan.x_team");
}

/// A split (one to three cuts inside one segment) on one side, a quantity/status edit of a per-km assignment
/// on that segment on the other.
#[derive(Debug, Clone)]
struct SplitAndEdit {
    segment: usize,
    cuts: Vec<f64>,
    which: usize,
    quantity_share: f64,
    contracted: bool,
    split_is_ours: bool,
}

fn split_and_edit() -> impl Strategy<Value = SplitAndEdit> {
    (0usize..40, prop::collection::vec(0.05..0.95f64, 1..4), 0usize..4, 0.05..1.0f64, any::<bool>(), any::<bool>())
        .prop_map(|(segment, cuts, which, quantity_share, contracted, split_is_ours)| SplitAndEdit {
            segment,
            cuts,
            which,
            quantity_share,
            contracted,
            split_is_ours,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merging_a_split_with_an_edit_keeps_per_km_totals(case in split_and_edit()) {
        let base = &*EXAMPLE;
        let segs = base.segments.segments();
        let seg = segs[case.segment % segs.len()].clone();
        let per_km: Vec<_> = base
            .assignments_for(&Target::Segment(seg.id.clone()))
            .filter(|a| base.catalog.get(&a.equipment_id).is_some_and(|t| t.is_per_km()))
            .cloned()
            .collect();
        prop_assume!(!per_km.is_empty());
        let mut split = base.clone();
        for cut in &case.cuts {
            let _ = split.apply(Edit::SplitSegment { km: seg.from_km + cut * seg.length_km() });
        }
        prop_assume!(split.segments.len() > base.segments.len());
        let mut edit = base.clone();
        let mut a = per_km[case.which % per_km.len()].clone();
        a.quantity = (case.quantity_share * seg.length_km() * 1000.0).round() / 1000.0;
        if case.contracted {
            a.status = borderplan::model::Status::Contracted;
        }
        edit.apply(Edit::UpdateAssignment(a.clone())).unwrap();
        let (ours, theirs) = if case.split_is_ours { (&split, &edit) } else { (&edit, &split) };
        let m = merge(base, ours, theirs, &Resolutions::default()).unwrap();
        prop_assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        prop_assert_eq!(m.plan.segments.len(), split.segments.len());
        let parts = parts_of(&m.plan, base, &seg.id);
        // What the edit side meant on the whole segment is what the parts hold together.
        let meant = per_km_totals(&edit, std::slice::from_ref(&seg.id));
        let merged = per_km_totals(&m.plan, &parts);
        prop_assert_eq!(meant.keys().collect::<Vec<_>>(), merged.keys().collect::<Vec<_>>());
        for (kind, q) in &meant {
            prop_assert!((merged[kind] - q).abs() < 1e-6, "{}: meant {}, merged {}", kind, q, merged[kind]);
        }
        // The status edit reaches every part of the edited assignment, and no part is longer than its segment.
        for b in m.plan.assignments.iter().filter(|b| b.equipment_id == a.equipment_id && parts.contains(&b.target.id().to_owned())) {
            prop_assert_eq!(b.status, a.status, "{}", b.id);
            let s = m.plan.segments.get(b.target.id()).unwrap();
            prop_assert!(b.quantity > 0.0 && b.quantity <= s.length_km() + 0.001, "{} km on {} km", b.quantity, s.length_km());
        }
        // Everything else keeps its totals: the split side's.
        let all: Vec<String> = m.plan.segments.segments().iter().map(|s| s.id.clone()).collect();
        let everywhere = per_km_totals(&m.plan, &all);
        let before = per_km_totals(&edit, &edit.segments.segments().iter().map(|s| s.id.clone()).collect::<Vec<_>>());
        for (kind, q) in &before {
            prop_assert!((everywhere[kind] - q).abs() < 1e-6, "{}: {} vs {}", kind, everywhere[kind], q);
        }
    }
}
