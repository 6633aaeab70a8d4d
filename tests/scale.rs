//! Programme-scale plans (tens of thousands of assignments): loading grows linearly with the plan, and undo
//! keeps what an edit changed, not a copy of the plan per step.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::io::plan_file;
use borderplan::model::history::plan_bytes;
use borderplan::model::{Edit, History, Plan};
use borderplan::synth::plan_with_assignments;
use std::time::{Duration, Instant};

/// The shortest of a few loads of `text` (the least disturbed by other work on the machine).
fn shortest_load(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let plan = plan_file::load_str(text).unwrap();
            let elapsed = t.elapsed();
            assert!(!plan.assignments.is_empty());
            elapsed
        })
        .min()
        .unwrap()
}

#[test]
fn loading_eight_times_the_assignments_takes_about_eight_times_as_long() {
    let small = plan_file::to_string(&plan_with_assignments(5_000).unwrap()).unwrap();
    let large = plan_file::to_string(&plan_with_assignments(40_000).unwrap()).unwrap();
    let _warm_up = shortest_load(&small);
    let (t_small, t_large) = (shortest_load(&small), shortest_load(&large));
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    eprintln!("5k loads in {t_small:?}, 40k in {t_large:?}: ratio {ratio:.1}");
    // Linear is 8 (6.3 measured in a debug build); with the old duplicate-id scan over all earlier rows put back
    // the same test measured 32.7. Generous slack for a busy machine.
    assert!(ratio < 14.0, "5k loads in {t_small:?}, 40k in {t_large:?}: ratio {ratio:.1}");
}

#[test]
fn a_synthetic_plan_has_the_asked_number_of_unique_assignments_on_existing_targets() {
    let plan = plan_with_assignments(12_345).unwrap();
    assert_eq!(plan.assignments.len(), 12_345);
    assert!(plan.assignments.first_duplicate_id().is_none());
    assert!(plan.assignments.iter().all(|a| plan.target_exists(&a.target)));
    let reloaded = plan_file::load_str(&plan_file::to_string(&plan).unwrap()).unwrap();
    assert_eq!(reloaded.assignments.len(), plan.assignments.len());
}

fn edit_quantity(plan: &Plan, step: usize) -> Edit {
    let i = (step * 7_919) % plan.assignments.len();
    let mut a = plan.assignments[i].clone();
    a.quantity += 1.0;
    Edit::UpdateAssignment(a)
}

#[test]
fn two_hundred_single_row_edits_of_a_50k_plan_keep_well_under_a_megabyte_of_undo() {
    let original = plan_with_assignments(50_000).unwrap();
    let plan_size = plan_bytes(&original);
    let mut plan = original.clone();
    let mut history = History::new(200);
    for step in 0..200 {
        let edit = edit_quantity(&plan, step);
        history.apply(&mut plan, edit).unwrap();
    }
    assert_eq!(history.undo_len(), 200);
    let kept = history.estimated_bytes();
    // A copy of the plan per step would be 200 × the plan (several GB at this size).
    assert!(plan_size > 10_000_000, "the plan itself is {plan_size} bytes");
    assert!(kept < 1_000_000, "200 steps keep {kept} bytes (the plan is {plan_size})");
    for _ in 0..200 {
        assert!(history.undo(&mut plan).is_some());
    }
    assert!(plan == original, "undoing every step gives back the plan");
    for _ in 0..200 {
        assert!(history.redo(&mut plan).is_some());
    }
    assert_eq!(plan.assignments.iter().map(|a| a.quantity).sum::<f64>(), original_sum(&original) + 200.0);
}

fn original_sum(plan: &Plan) -> f64 {
    plan.assignments.iter().map(|a| a.quantity).sum()
}

#[test]
fn a_split_of_a_large_plan_is_one_undo_step_and_the_budget_drops_old_steps_not_the_last() {
    let original = plan_with_assignments(20_000).unwrap();
    let mut plan = original.clone();
    let mut history = History::with_budget(200, 4 * plan_bytes(&original));
    let mids: Vec<f64> = original.segments.segments().iter().map(|s| s.mid_km()).collect();
    let km = mids[0];
    history.apply(&mut plan, Edit::SplitSegment { km }).unwrap();
    assert_eq!(history.undo_len(), 1);
    assert!(history.estimated_bytes() >= plan_bytes(&original) / 2, "a split keeps the plan before it");
    // More whole-plan steps than the budget holds: the oldest go, the newest stays undoable.
    let mut before_last = plan.clone();
    for &km in &mids[1..8] {
        before_last = plan.clone();
        history.apply(&mut plan, Edit::SplitSegment { km }).unwrap();
    }
    assert!(history.undo_len() < 8 && history.undo_len() >= 1, "{} steps", history.undo_len());
    assert!(history.estimated_bytes() <= 5 * plan_bytes(&original));
    assert!(history.undo(&mut plan).is_some());
    assert!(plan == before_last);
}
