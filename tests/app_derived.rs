#![allow(clippy::expect_used, clippy::unwrap_used)]
//! After an edit of one assignment, the window's derived values are brought up to date by the cheaper paths
//! (the changed assignment's findings only, the march chart's bars kept when its target, quarter and stage stay,
//! coverage of both stages in one pass); whatever the edit, they equal a fresh build of the edited plan.

use borderplan::App;
use borderplan::app::Command;
use borderplan::app::derived::Derived;
use borderplan::model::{Edit, Quarter, Stage, Target};

fn assert_same_as_fresh(app: &App, what: &str) {
    let fresh = Derived::build(&app.plan, app.generation);
    let d = &app.derived;
    assert_eq!(d.findings, fresh.findings, "findings after {what}");
    assert_eq!(d.summary, fresh.summary, "summary after {what}");
    assert_eq!(d.coverage_stage2, fresh.coverage_stage2, "stage-2 coverage after {what}");
    assert_eq!(d.coverage_stage3, fresh.coverage_stage3, "stage-3 coverage after {what}");
    assert_eq!(d.march_bars, fresh.march_bars, "march bars after {what}");
    assert_eq!(d.violations.targets, fresh.violations.targets, "violation marks after {what}");
}

#[test]
fn after_any_single_assignment_edit_the_derived_values_equal_a_fresh_build() {
    let mut app = App::for_tests().unwrap();
    let ctx = egui::Context::default();
    let outposts: Vec<String> = app.plan.outposts.iter().map(|o| o.id.clone()).collect();
    let n = app.plan.assignments.len();
    for step in 0..40 {
        let mut a = app.plan.assignments[(step * 31) % n].clone();
        let what = match step % 8 {
            0 => {
                a.quantity += 2.0;
                "a quantity edit"
            }
            1 => {
                a.quantity = 0.0;
                "a zero quantity"
            }
            2 => {
                a.stage = Stage::One;
                "a stage-1 delivery"
            }
            3 => {
                a.supplier = "Armenia".into();
                "a suspended supplier"
            }
            4 => {
                a.quarter = Quarter::new(2031, 4);
                "a quarter outside the stage"
            }
            5 => {
                a.target = Target::Outpost(outposts[step % outposts.len()].clone());
                "a move to another outpost"
            }
            6 => {
                a.target = Target::Outpost("no-such-outpost".into());
                "a move to an unknown target"
            }
            _ => {
                a.stage = if a.stage == Stage::Two { Stage::Three } else { Stage::Two };
                "a stage change"
            }
        };
        app.apply(&ctx, Command::from(Edit::UpdateAssignment(a)));
        assert!(app.last_row_edit.is_some(), "{what} is recorded as a one-row edit");
        assert_same_as_fresh(&app, what);
    }
    // Undo goes back through the full rebuild, and still agrees.
    for _ in 0..5 {
        app.apply(&ctx, Command::Plan(borderplan::app::PlanCommand::Undo));
        assert_same_as_fresh(&app, "an undo");
    }
}
