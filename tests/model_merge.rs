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
            for c in open.conflicts.iter().filter(|c| c.item.starts_with("assignment ")) {
                let id = c.item.trim_start_matches("assignment ");
                let chosen = if pick == Pick::Ours { &ours } else { &theirs };
                prop_assert_eq!(m.plan.assignment(id), chosen.assignment(id), "{}", c.line());
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
