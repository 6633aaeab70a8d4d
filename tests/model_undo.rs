#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Undo / redo through `History`, and what the segment edits do to assignments.

use approx::assert_abs_diff_eq;
use borderplan::io::bundled;
use borderplan::model::equipment::CatalogError;
use borderplan::model::{
    Assignment, Category, Edit, EditError, EquipmentType, History, Plan, Quarter, SegmentError, Stage, Status, Target,
};
use proptest::prelude::*;
use serde_json::Map;
use std::sync::LazyLock;

/// The bundled new plan (built once: the default segmentation samples the province polygons).
static NEW_PLAN: LazyLock<Plan> = LazyLock::new(|| {
    let regions = bundled::regions().expect("bundled regions");
    bundled::new_plan(&regions).expect("bundled new plan")
});

fn assignment(id: &str, target: Target, equipment: &str, quantity: f64) -> Assignment {
    Assignment {
        id: id.into(),
        target,
        equipment_id: equipment.into(),
        quantity,
        stage: Stage::Three,
        supplier: "Kazakhstan".into(),
        quarter: Quarter::new(2028, 2),
        status: Status::Planned,
        note: String::new(),
        extra: Map::new(),
    }
}

/// A plan with a few assignments on segments and outposts, so that splits and merges have something to carry.
fn base_plan() -> Plan {
    let mut plan = NEW_PLAN.clone();
    plan.assignments = vec![
        assignment("A-0001", Target::Segment("SEG-001".into()), "border-fence", 21.0),
        assignment("A-0002", Target::Segment("SEG-001".into()), "ground-radar", 2.0),
        assignment("A-0003", Target::Segment("SEG-002".into()), "optical-camera", 4.0),
        assignment("A-0004", Target::Outpost("OP-01".into()), "thermal-tower", 1.0),
        assignment("A-0005", Target::Segment("SEG-010".into()), "perimeter-lighting", 7.5),
    ]
    .into();
    plan
}

/// An edit described by numbers, turned into a concrete [`Edit`] against the current plan.
#[derive(Debug, Clone)]
enum Op {
    Add {
        n: usize,
        target: usize,
        equipment: usize,
        quantity: f64,
        duplicate: bool,
    },
    Remove {
        index: usize,
        unknown: bool,
    },
    UpdateQuantity {
        index: usize,
        quantity: f64,
    },
    Split {
        fraction: f64,
    },
    Merge {
        index: usize,
    },
    Rename {
        index: usize,
        name: String,
    },
    UpsertEquipment {
        existing: Option<usize>,
        range: f64,
    },
    RemoveEquipment {
        index: usize,
    },
    /// Several rows at once (repeats allowed), undone as one step.
    RemoveMany {
        picks: Vec<usize>,
    },
    /// Moves a row to another target (the target index must follow, and follow back on undo).
    Retarget {
        index: usize,
        target: usize,
    },
    SetTitle {
        title: String,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1..=3usize, any::<usize>(), any::<usize>(), 0.5..50.0f64, prop::bool::weighted(0.1))
            .prop_map(|(n, target, equipment, quantity, duplicate)| Op::Add { n, target, equipment, quantity, duplicate }),
        2 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(index, unknown)| Op::Remove { index, unknown }),
        2 => (any::<usize>(), 0.5..50.0f64).prop_map(|(index, quantity)| Op::UpdateQuantity { index, quantity }),
        2 => (0.0..1.0f64).prop_map(|fraction| Op::Split { fraction }),
        2 => any::<usize>().prop_map(|index| Op::Merge { index }),
        1 => (any::<usize>(), "[A-Za-z ]{0,12}").prop_map(|(index, name)| Op::Rename { index, name }),
        1 => (prop::option::of(any::<usize>()), -5.0..30.0f64).prop_map(|(existing, range)| Op::UpsertEquipment { existing, range }),
        1 => any::<usize>().prop_map(|index| Op::RemoveEquipment { index }),
        1 => prop::collection::vec(any::<usize>(), 1..5).prop_map(|picks| Op::RemoveMany { picks }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(index, target)| Op::Retarget { index, target }),
        1 => "[A-Za-z ]{0,12}".prop_map(|title| Op::SetTitle { title }),
    ]
}

fn edit_for(plan: &Plan, op: &Op) -> Edit {
    let segs = plan.segments.segments();
    match op {
        Op::Add { n, target, equipment, quantity, duplicate } => {
            let mut ids = plan.fresh_assignment_ids(*n);
            if *duplicate {
                // Reuse an existing id (or repeat one inside the batch): the edit must fail.
                ids[0] = plan.assignments.first().map(|a| a.id.clone()).unwrap_or_else(|| ids[ids.len() - 1].clone());
                if plan.assignments.is_empty() && ids.len() == 1 {
                    ids.push(ids[0].clone());
                }
            }
            let n_targets = segs.len() + plan.outposts.len();
            let types = &plan.catalog.types;
            let list = ids
                .iter()
                .enumerate()
                .map(|(k, id)| {
                    let t = (target + k) % n_targets;
                    let t = if t < segs.len() {
                        Target::Segment(segs[t].id.clone())
                    } else {
                        Target::Outpost(plan.outposts[t - segs.len()].id.clone())
                    };
                    assignment(id, t, &types[(equipment + k) % types.len()].id, *quantity)
                })
                .collect();
            Edit::AddAssignments(list)
        }
        Op::Remove { index, unknown } => {
            if *unknown || plan.assignments.is_empty() {
                Edit::RemoveAssignments(vec!["A-9999-missing".into()])
            } else {
                Edit::RemoveAssignments(vec![plan.assignments[index % plan.assignments.len()].id.clone()])
            }
        }
        Op::UpdateQuantity { index, quantity } => match plan.assignments.len() {
            0 => Edit::UpdateAssignment(assignment(
                "A-9999-missing",
                Target::Segment("SEG-001".into()),
                "patrol-4x4",
                1.0,
            )),
            len => {
                let mut a = plan.assignments[index % len].clone();
                a.quantity = *quantity;
                Edit::UpdateAssignment(a)
            }
        },
        Op::Split { fraction } => Edit::SplitSegment { km: fraction * plan.border.length_km() },
        Op::Merge { index } => Edit::MergeSegmentWithNext { id: segs[index % segs.len()].id.clone() },
        Op::Rename { index, name } => {
            Edit::RenameSegment { id: segs[index % segs.len()].id.clone(), name: name.clone() }
        }
        Op::UpsertEquipment { existing, range } => {
            let mut t = match existing {
                Some(i) => plan.catalog.types[i % plan.catalog.types.len()].clone(),
                None => {
                    let id = plan.catalog.fresh_id("Test sensor");
                    EquipmentType::new(&id, "Test sensor", Category::Surveillance, "set")
                }
            };
            // A non-positive range is invalid: the edit must fail.
            t.detection_range_km = Some(*range);
            Edit::UpsertEquipment(Box::new(t))
        }
        Op::RemoveEquipment { index } => {
            Edit::RemoveEquipment { id: plan.catalog.types[index % plan.catalog.types.len()].id.clone() }
        }
        Op::RemoveMany { picks } => match plan.assignments.len() {
            0 => Edit::RemoveAssignments(vec!["A-9999-missing".into()]),
            len => Edit::RemoveAssignments(picks.iter().map(|i| plan.assignments[i % len].id.clone()).collect()),
        },
        Op::Retarget { index, target } => match plan.assignments.len() {
            0 => Edit::RemoveAssignments(vec!["A-9999-missing".into()]),
            len => {
                let mut a = plan.assignments[index % len].clone();
                let t = target % (segs.len() + plan.outposts.len());
                a.target = if t < segs.len() {
                    Target::Segment(segs[t].id.clone())
                } else {
                    Target::Outpost(plan.outposts[t - segs.len()].id.clone())
                };
                Edit::UpdateAssignment(a)
            }
        },
        Op::SetTitle { title } => {
            let mut meta = plan.meta.clone();
            meta.title = title.clone();
            Edit::SetMeta(meta)
        }
    }
}

/// The id and target indexes agree with a plain scan of the rows.
fn assert_indexes_agree(plan: &Plan) {
    for a in plan.assignments.iter() {
        let first = plan.assignments.iter().find(|b| b.id == a.id);
        assert_eq!(plan.assignment(&a.id), first, "id index of {}", a.id);
        let by_index: Vec<&Assignment> = plan.assignments_for(&a.target).collect();
        let by_scan: Vec<&Assignment> = plan.assignments.iter().filter(|b| b.target == a.target).collect();
        assert_eq!(by_index, by_scan, "target index of {:?}", a.target);
    }
    assert!(plan.assignment("A-9999-missing").is_none());
}

/// Applies the ops through `history`, checking failures change nothing; returns the snapshot after every
/// successful edit, starting with the original plan.
fn apply_all(plan: &mut Plan, history: &mut History, ops: &[Op]) -> Vec<Plan> {
    let mut snapshots = vec![plan.clone()];
    for op in ops {
        let edit = edit_for(plan, op);
        let before = plan.clone();
        let undo_label = history.undo_label().map(str::to_owned);
        let label = edit.label();
        match history.apply(plan, edit) {
            Ok(()) => {
                assert_eq!(history.undo_label(), Some(label.as_str()));
                assert!(!history.can_redo());
                snapshots.push(plan.clone());
            }
            Err(_) => {
                assert_eq!(*plan, before, "a failed edit changed the plan");
                assert_eq!(history.undo_label().map(str::to_owned), undo_label, "a failed edit pushed history");
            }
        }
        plan.segments.check_partition(plan.border.length_km()).unwrap_or_else(|e| panic!("{e}"));
        assert_indexes_agree(plan);
    }
    snapshots
}

#[derive(Debug, Clone)]
enum Step {
    Undo,
    Redo,
    Edit(Op),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![2 => Just(Step::Undo), 2 => Just(Step::Redo), 3 => op().prop_map(Step::Edit)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn undo_after_any_sequence_of_edits_restores_the_exact_plan_and_redo_restores_the_final_one(
        ops in prop::collection::vec(op(), 0..25)
    ) {
        let original = base_plan();
        let mut plan = original.clone();
        let mut history = History::new(1000);
        let snapshots = apply_all(&mut plan, &mut history, &ops);
        let last = snapshots.len() - 1;
        prop_assert_eq!(&plan, &snapshots[last]);
        // Undo everything, one snapshot at a time.
        for i in (0..last).rev() {
            prop_assert!(history.undo(&mut plan).is_some());
            prop_assert_eq!(&plan, &snapshots[i]);
            assert_indexes_agree(&plan);
        }
        prop_assert!(history.undo(&mut plan).is_none());
        prop_assert!(plan == original);
        // Redo everything.
        for snapshot in &snapshots[1..] {
            prop_assert!(history.redo(&mut plan).is_some());
            prop_assert_eq!(&plan, snapshot);
            assert_indexes_agree(&plan);
        }
        prop_assert!(history.redo(&mut plan).is_none());
        prop_assert_eq!(&plan, &snapshots[last]);
    }

    #[test]
    fn interleaved_undo_redo_and_edits_always_match_the_recorded_snapshots(
        steps in prop::collection::vec(step(), 0..40)
    ) {
        let mut plan = base_plan();
        let mut history = History::new(1000);
        // The linear history a user sees: snapshots[cursor] is the current plan.
        let mut snapshots = vec![plan.clone()];
        let mut cursor = 0usize;
        // The history's state at each snapshot, and every state ever seen with its plan: the app takes "same
        // state" for "same plan as saved", so a state must never come back with another plan.
        let mut states = vec![history.state()];
        let mut seen: Vec<(u64, Plan)> = vec![(history.state(), plan.clone())];
        for step in &steps {
            match step {
                Step::Undo => {
                    let done = history.undo(&mut plan).is_some();
                    prop_assert_eq!(done, cursor > 0);
                    if done { cursor -= 1; }
                }
                Step::Redo => {
                    let done = history.redo(&mut plan).is_some();
                    prop_assert_eq!(done, cursor + 1 < snapshots.len());
                    if done { cursor += 1; }
                }
                Step::Edit(op) => {
                    let edit = edit_for(&plan, op);
                    let before = plan.clone();
                    if history.apply(&mut plan, edit).is_ok() {
                        // A new edit drops the redo branch.
                        snapshots.truncate(cursor + 1);
                        snapshots.push(plan.clone());
                        states.truncate(cursor + 1);
                        prop_assert!(seen.iter().all(|(s, _)| *s != history.state()), "a new edit reuses a state");
                        states.push(history.state());
                        cursor += 1;
                        prop_assert!(!history.can_redo());
                    } else {
                        prop_assert_eq!(&plan, &before);
                    }
                }
            }
            prop_assert_eq!(&plan, &snapshots[cursor]);
            prop_assert_eq!(history.state(), states[cursor]);
            for (state, then) in &seen {
                if *state == history.state() {
                    prop_assert_eq!(then, &plan);
                }
            }
            seen.push((history.state(), plan.clone()));
            assert_indexes_agree(&plan);
            prop_assert_eq!(history.can_undo(), cursor > 0);
            prop_assert_eq!(history.can_redo(), cursor + 1 < snapshots.len());
        }
    }
}

#[test]
fn failed_edits_leave_the_plan_unchanged_and_push_no_history() {
    let original = base_plan();
    let mut plan = original.clone();
    let mut history = History::new(100);
    let length = plan.border.length_km();
    let failures: Vec<(Edit, EditError)> = vec![
        (Edit::AddAssignments(vec![]), EditError::Empty("no assignments to add")),
        (
            Edit::AddAssignments(vec![assignment("A-0002", Target::Segment("SEG-003".into()), "patrol-4x4", 1.0)]),
            EditError::DuplicateAssignment("A-0002".into()),
        ),
        (
            Edit::RemoveAssignments(vec!["A-0001".into(), "A-0404".into()]),
            EditError::UnknownAssignment("A-0404".into()),
        ),
        (
            Edit::UpdateAssignment(assignment("A-0404", Target::Segment("SEG-003".into()), "patrol-4x4", 1.0)),
            EditError::UnknownAssignment("A-0404".into()),
        ),
        (Edit::SplitSegment { km: -1.0 }, EditError::Segment(SegmentError::OutOfRange { km: -1.0, length_km: length })),
        (Edit::SplitSegment { km: 21.05 }, EditError::Segment(SegmentError::TooClose { km: 21.05, min: 0.1 })),
        (
            Edit::MergeSegmentWithNext { id: "SEG-404".into() },
            EditError::Segment(SegmentError::Unknown("SEG-404".into())),
        ),
        (
            Edit::RenameSegment { id: "SEG-404".into(), name: "x".into() },
            EditError::Segment(SegmentError::Unknown("SEG-404".into())),
        ),
        (Edit::RemoveEquipment { id: "no-such".into() }, EditError::Catalog(CatalogError::Unknown("no-such".into()))),
        (
            Edit::RemoveEquipment { id: "border-fence".into() },
            EditError::Catalog(CatalogError::InUse { id: "border-fence".into(), count: 1 }),
        ),
        (
            Edit::UpsertEquipment(Box::new(EquipmentType::new("", "Nameless", Category::Other, "set"))),
            EditError::Catalog(CatalogError::Empty),
        ),
        (Edit::ReplaceOutposts(vec![]), EditError::Empty("no outposts in the replacement")),
    ];
    let last = plan.segments.segments().last().expect("segments").id.clone();
    let no_neighbour =
        (Edit::MergeSegmentWithNext { id: last.clone() }, EditError::Segment(SegmentError::NoNeighbour(last)));
    for (edit, expected) in failures.into_iter().chain([no_neighbour]) {
        let label = edit.label();
        assert_eq!(history.apply(&mut plan, edit), Err(expected), "{label}");
        assert_eq!(plan, original, "{label} changed the plan");
        assert!(!history.can_undo(), "{label} pushed history");
    }
}

#[test]
fn splitting_shares_segment_assignments_between_the_parts_in_proportion_to_length() {
    let mut plan = base_plan();
    let mut history = History::new(10);
    // SEG-001 is km 0 … 21; split at km 5: west share 5 / 21 ≈ 0.238.
    let seg = plan.segments.get("SEG-001").expect("SEG-001").clone();
    assert_abs_diff_eq!(seg.to_km, 21.0, epsilon = 1e-9);
    history.apply(&mut plan, Edit::SplitSegment { km: 5.0 }).expect("split");
    let east_id = plan.segments.segments()[1].id.clone();
    assert_ne!(east_id, "SEG-001");
    let (west_target, east_target) = (Target::Segment("SEG-001".into()), Target::Segment(east_id.clone()));
    let west: Vec<&Assignment> = plan.assignments_for(&west_target).collect();
    let east: Vec<&Assignment> = plan.assignments_for(&east_target).collect();
    // Per-km fence (21 km): 5 km west keeps the id, 16 km east is a copy with a fresh id.
    let fence_w = west.iter().find(|a| a.equipment_id == "border-fence").expect("west fence");
    let fence_e = east.iter().find(|a| a.equipment_id == "border-fence").expect("east fence");
    assert_eq!(fence_w.id, "A-0001");
    assert_abs_diff_eq!(fence_w.quantity, 5.0, epsilon = 1e-9);
    assert_abs_diff_eq!(fence_e.quantity, 16.0, epsilon = 1e-9);
    assert!(!["A-0001", "A-0002", "A-0003", "A-0004", "A-0005"].contains(&fence_e.id.as_str()));
    assert_eq!(
        (fence_e.stage, &fence_e.supplier, fence_e.quarter),
        (fence_w.stage, &fence_w.supplier, fence_w.quarter)
    );
    // 2 radars × 0.238 rounds to none in the west: both move east with their assignment, nothing is doubled.
    assert!(west.iter().all(|a| a.equipment_id != "ground-radar"));
    let radar_e = east.iter().find(|a| a.equipment_id == "ground-radar").expect("east radar");
    assert_eq!((radar_e.id.as_str(), radar_e.quantity), ("A-0002", 2.0));
    assert_eq!((west.len(), east.len()), (1, 2));
    // Other segments' and outposts' assignments are untouched; totals per equipment are unchanged.
    assert_eq!(plan.assignments.len(), 6);
    assert_eq!(plan.assignment("A-0003"), base_plan().assignment("A-0003"));
    let total =
        |p: &Plan, eq: &str| p.assignments.iter().filter(|a| a.equipment_id == eq).map(|a| a.quantity).sum::<f64>();
    for eq in ["border-fence", "ground-radar"] {
        assert_abs_diff_eq!(total(&plan, eq), total(&base_plan(), eq), epsilon = 1e-9);
    }
    history.undo(&mut plan);
    assert_eq!(plan, base_plan());
}

#[test]
fn a_split_followed_by_a_merge_restores_the_quantities() {
    let mut plan = base_plan();
    plan.apply(Edit::SplitSegment { km: 12.0 }).expect("split");
    plan.apply(Edit::MergeSegmentWithNext { id: "SEG-001".into() }).expect("merge");
    let before: Vec<(String, f64)> =
        base_plan().assignments.iter().map(|a| (a.equipment_id.clone(), a.quantity)).collect();
    let mut after: Vec<(String, f64)> = plan.assignments.iter().map(|a| (a.equipment_id.clone(), a.quantity)).collect();
    after.sort_by(|a, b| a.0.cmp(&b.0));
    let mut before = before;
    before.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a.0, b.0);
        assert_abs_diff_eq!(a.1, b.1, epsilon = 1e-9);
    }
}

#[test]
fn dragging_a_quantity_is_one_undo_step() {
    let mut plan = base_plan();
    let mut history = History::new(10);
    let mut a = plan.assignment("A-0003").expect("A-0003").clone();
    for q in 1..=5 {
        a.quantity = f64::from(q);
        history.apply_coalescing(&mut plan, Edit::UpdateAssignment(a.clone())).expect("update");
    }
    assert_eq!(plan.assignment("A-0003").map(|a| a.quantity), Some(5.0));
    history.undo(&mut plan);
    assert_eq!(plan, base_plan());
    assert!(!history.can_undo());
}

#[test]
fn a_per_km_quantity_shared_by_a_split_always_adds_up_to_the_original() {
    let mut plan = base_plan();
    // SEG-010 is km 206.0625 … 229.5 with 7.5 km of lighting; split at 210.0 → west 3.9375/23.4375 of it.
    history_free_split(&mut plan, 210.0);
    let lights: Vec<f64> =
        plan.assignments.iter().filter(|a| a.equipment_id == "perimeter-lighting").map(|a| a.quantity).collect();
    assert_eq!(lights.len(), 2);
    assert_abs_diff_eq!(lights[0], (7.5 * 3.9375 / 23.4375 * 1000.0f64).round() / 1000.0, epsilon = 1e-12);
    assert_abs_diff_eq!(lights[0] + lights[1], 7.5, epsilon = 1e-9);
}

fn history_free_split(plan: &mut Plan, km: f64) {
    plan.apply(Edit::SplitSegment { km }).expect("split");
}

#[test]
fn merging_moves_the_eastern_assignments_to_the_kept_segment() {
    let mut plan = base_plan();
    let mut history = History::new(10);
    let seg1 = plan.segments.get("SEG-001").expect("SEG-001").clone();
    let seg2 = plan.segments.get("SEG-002").expect("SEG-002").clone();
    history.apply(&mut plan, Edit::MergeSegmentWithNext { id: "SEG-001".into() }).expect("merge");
    assert!(plan.segments.get("SEG-002").is_none());
    let kept = plan.segments.get("SEG-001").expect("kept");
    assert_eq!((kept.from_km, kept.to_km), (seg1.from_km, seg2.to_km));
    assert_eq!(plan.assignment("A-0003").map(|a| &a.target), Some(&Target::Segment("SEG-001".into())));
    assert_eq!(plan.assignments_for(&Target::Segment("SEG-001".into())).count(), 3);
    assert_eq!(plan.assignments_for(&Target::Segment("SEG-002".into())).count(), 0);
    // Outposts that were on SEG-002 now belong to SEG-001.
    assert!(plan.outposts.iter().all(|o| o.segment_id != "SEG-002"));
    assert_eq!(history.undo_label(), Some("Merge segments"));
    history.undo(&mut plan);
    assert_eq!(plan, base_plan());
}
