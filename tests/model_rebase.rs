#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Moving a plan made on an older border line onto the current one, by position: the model, the window and the
//! command line.

mod common;

use borderplan::app::PlanCommand;
use borderplan::io::{bundled, plan_file};
use borderplan::model::{Border, History, Plan, rebase_edit, same_line};
use egui_kittest::kittest::Queryable;
use geo::{Coord, Distance, Geodesic, LineString, Point};

/// The example plan's border with a 0.0004° (≈ 44 m) northward shift and an extra western lead-in of about
/// 20 km: the ground is nearly the same, every km number is different.
fn older_line(plan: &Plan) -> LineString<f64> {
    let line = plan.border.line();
    let first = line.0[0];
    let mut coords = vec![Coord { x: first.x - 0.22, y: first.y + 0.0004 }];
    coords.extend(line.0.iter().map(|c| Coord { x: c.x, y: c.y + 0.0004 }));
    LineString::new(coords)
}

/// The example plan moved onto the older line (as a plan made with an earlier version would be).
fn plan_on_older_line() -> Plan {
    let mut plan = bundled::example_plan().unwrap();
    let line = older_line(&plan);
    let (edit, _) = rebase_edit(&plan, &line).unwrap();
    plan.apply(edit).unwrap();
    plan
}

#[test]
fn a_line_is_the_same_as_itself_and_not_as_a_shifted_longer_line() {
    let plan = bundled::example_plan().unwrap();
    let shifted = Border::new(older_line(&plan)).unwrap();
    assert!(same_line(&plan.border, &plan.border.clone()));
    assert!(!same_line(&plan.border, &shifted));
}

#[test]
fn rebasing_keeps_every_segment_end_on_the_same_ground_while_its_km_number_changes() {
    let old = plan_on_older_line();
    let current = bundled::border().unwrap();
    let (edit, report) = rebase_edit(&old, current.line()).unwrap();
    let mut new = old.clone();
    new.apply(edit).unwrap();
    assert!(same_line(&new.border, &current));
    assert_eq!(new.segments.len(), old.segments.len());
    let mut max_shift_km: f64 = 0.0;
    for (a, b) in old.segments.segments().iter().zip(new.segments.segments()).skip(1) {
        assert_eq!(a.id, b.id);
        let before = old.border.point_at_km(a.from_km);
        let after = new.border.point_at_km(b.from_km);
        let moved_m = Geodesic.distance(before, after);
        assert!(moved_m < 100.0, "{}: the segment end moved {moved_m:.0} m", a.id);
        max_shift_km = max_shift_km.max((a.from_km - b.from_km).abs());
    }
    // The lead-in of the older line is gone: km numbers drop by its length (≈ 19 km), positions stay.
    assert!(max_shift_km > 15.0, "km numbers changed by at most {max_shift_km:.1} km");
    assert!(report.max_boundary_shift_m < 100.0);
    assert_eq!(report.segments.len(), old.segments.len());
    assert!(report.lines()[0].contains("re-measured"), "{:?}", report.lines());
}

#[test]
fn rebasing_keeps_assignments_on_their_targets_and_re_measures_outposts_from_their_positions() {
    let old = plan_on_older_line();
    let current = bundled::border().unwrap();
    let (edit, _) = rebase_edit(&old, current.line()).unwrap();
    let mut new = old.clone();
    new.apply(edit).unwrap();
    assert_eq!(new.assignments, old.assignments);
    for (a, b) in old.outposts.iter().zip(&new.outposts) {
        assert_eq!(a.position, b.position);
        let loc = current.locate(b.position);
        assert!((b.km - loc.chainage_km).abs() < 1e-9);
        assert!((b.distance_to_border_m - loc.distance_m).abs() < 1e-6);
        assert_eq!(Some(b.segment_id.as_str()), new.segments.segment_at_km(b.km).map(|s| s.id.as_str()));
    }
}

#[test]
fn a_rebase_is_one_undo_step() {
    let old = plan_on_older_line();
    let current = bundled::border().unwrap();
    let (edit, _) = rebase_edit(&old, current.line()).unwrap();
    let mut plan = old.clone();
    let mut history = History::new(10);
    history.apply_coalescing(&mut plan, edit).unwrap();
    assert_ne!(plan, old);
    history.undo(&mut plan).unwrap();
    assert_eq!(plan, old);
}

#[test]
fn opening_a_plan_on_another_line_offers_a_rebase_and_the_button_applies_it_as_one_undoable_edit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older.geojson");
    plan_file::save(&plan_on_older_line(), &path).unwrap();
    let mut h = common::example_window(2);
    assert!(h.state_mut().app.open_plan(&path));
    h.run_steps(2);
    let (plan_km, current_km) = h.state().app.rebase_offer.expect("a rebase is offered");
    assert!(plan_km > current_km + 15.0, "{plan_km} vs {current_km}");
    // The plan keeps working on its own line until the planner decides.
    let current = bundled::border().unwrap();
    assert!(!same_line(&h.state().app.plan.border, &current));
    h.get_by_label("Rebase on the current border").click();
    h.run_steps(3);
    let app = &h.state().app;
    assert!(app.rebase_offer.is_none());
    assert!(same_line(&app.plan.border, &current));
    assert!(app.dirty);
    assert!(app.rebase_report.as_ref().is_some_and(|r| r.len() > app.plan.segments.len()));
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, PlanCommand::Undo.into());
    assert!(!same_line(&h.state().app.plan.border, &current), "undo brings the plan's own line back");
}

#[test]
fn a_plan_on_the_current_line_is_not_offered_a_rebase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("current.geojson");
    plan_file::save(&bundled::example_plan().unwrap(), &path).unwrap();
    let mut h = common::example_window(2);
    assert!(h.state_mut().app.open_plan(&path));
    assert!(h.state().app.rebase_offer.is_none());
}

#[test]
fn the_rebase_command_writes_the_plan_on_the_current_line_and_prints_what_moved() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("older.geojson"), dir.path().join("rebased.geojson"));
    let old = plan_on_older_line();
    plan_file::save(&old, &input).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_borderplan"))
        .arg("rebase")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + old.segments.len() + old.outposts.len(), "{text}");
    assert!(text.lines().any(|l| l.starts_with("SEG-001: km ")), "{text}");
    let rebased = plan_file::load(&output).unwrap();
    assert!(same_line(&rebased.border, &bundled::border().unwrap()));
    assert_eq!(rebased.assignments, old.assignments);
    let p = Point::new(old.border.line().0[0].x, old.border.line().0[0].y);
    assert!(rebased.border.distance_m(p) > 10_000.0, "the lead-in is not part of the current line");
}
