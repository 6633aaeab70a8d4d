#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Two windows on one plan file, through the real app and the real file: a save never overwrites what the other
//! saved; Merge combines both edits, the same field changed both ways is decided in the conflicts dialog, and the
//! banner tells about a change while the window is open.

use borderplan::app::{Command, FileCommand};
use borderplan::io::plan_file;
use borderplan::model::{Edit, Plan};
use borderplan::{App, Window};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;

mod common;

/// A window with the plan file open.
fn window_on(path: &Path) -> Harness<'static, Window> {
    let mut app = App::for_tests().unwrap();
    assert!(app.open_plan(path));
    common::window_harness(app, 3)
}

fn set_quantity(h: &mut Harness<'static, Window>, index: usize, quantity: f64) -> String {
    let ctx = h.ctx.clone();
    let mut a = h.state().app.plan.assignments[index].clone();
    a.quantity = quantity;
    let id = a.id.clone();
    h.state_mut().app.apply(&ctx, Command::from(Edit::UpdateAssignment(a)));
    id
}

fn save(h: &mut Harness<'static, Window>) {
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Save.into());
    h.run_steps(3);
}

fn on_disk(path: &Path) -> Plan {
    plan_file::load(path).unwrap()
}

fn shared_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.geojson");
    plan_file::save(&borderplan::io::bundled::example_plan().unwrap(), &path).unwrap();
    (dir, path)
}

#[test]
fn the_second_save_asks_instead_of_overwriting_and_merge_keeps_both_edits() {
    let (_dir, path) = shared_file();
    let mut first = window_on(&path);
    let mut second = window_on(&path);
    let first_id = set_quantity(&mut first, 0, 11.0);
    let second_id = set_quantity(&mut second, 1, 22.0);
    save(&mut first);
    assert!(!first.state().app.dirty);
    let after_first = std::fs::read(&path).unwrap();

    save(&mut second);
    assert!(second.state().app.dirty, "the second save was refused");
    assert_eq!(std::fs::read(&path).unwrap(), after_first, "the file still holds the first planner's save");
    assert!(second.query_by_label("The file changed on disk").is_some(), "the question is shown");
    let status = second.state().app.status.clone().unwrap();
    assert!(status.error && status.text.contains("changed on disk"), "{}", status.text);
    second.get_by_label("Merge").click();
    second.run_steps(3);

    let saved = on_disk(&path);
    assert_eq!(saved.assignment(&first_id).unwrap().quantity, 11.0, "the first planner's edit survives");
    assert_eq!(saved.assignment(&second_id).unwrap().quantity, 22.0, "the second planner's edit is saved");
    assert!(!second.state().app.dirty);
    assert_eq!(second.state().app.history.undo_label(), Some("Merge changes made elsewhere"));
    // The first window sees the change on disk and merges it in without saving.
    first.state_mut().app.check_disk_now();
    first.run_steps(2);
    assert!(first.query_by_label_contains("was changed on disk by someone else").is_some(), "the banner is shown");
    first.get_by_label("Merge their changes").click();
    first.run_steps(2);
    assert_eq!(first.state().app.plan.assignment(&second_id).unwrap().quantity, 22.0);
    assert!(!first.state().app.dirty, "the window now matches the file");
    assert!(first.state().app.disk_banner().is_none());
}

#[test]
fn the_same_field_changed_in_both_windows_is_decided_per_conflict_and_cancel_leaves_the_file_alone() {
    let (_dir, path) = shared_file();
    let mut first = window_on(&path);
    let mut second = window_on(&path);
    let id = set_quantity(&mut first, 0, 11.0);
    set_quantity(&mut second, 0, 33.0);
    save(&mut first);
    let after_first = std::fs::read(&path).unwrap();
    save(&mut second);
    second.get_by_label("Merge").click();
    second.run_steps(3);
    assert!(second.query_by_label("Merge: both sides changed the same things").is_some());
    let line = format!("assignment {id} quantity: ours 33.0, theirs 11.0");
    assert!(second.query_by_label(&line).is_some(), "the conflict is listed: {line}");
    second.get_by_label("Cancel merge").click();
    second.run_steps(2);
    assert_eq!(std::fs::read(&path).unwrap(), after_first, "a cancelled merge writes nothing");
    assert_eq!(second.state().app.plan.assignment(&id).unwrap().quantity, 33.0, "our edit is still in the window");

    // Again, this time deciding: theirs.
    save(&mut second);
    second.get_by_label("Merge").click();
    second.run_steps(3);
    second.get_by_label("theirs").click();
    second.run_steps(2);
    second.get_by_label_contains("Apply merge").click();
    second.run_steps(3);
    assert_eq!(on_disk(&path).assignment(&id).unwrap().quantity, 11.0);
    assert_eq!(second.state().app.plan.assignment(&id).unwrap().quantity, 11.0);
    // The merge is one undo step: our value comes back.
    let ctx = second.ctx.clone();
    second.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    assert_eq!(second.state().app.plan.assignment(&id).unwrap().quantity, 33.0);
}

#[test]
fn overwrite_replaces_the_file_and_save_as_keeps_it() {
    let (dir, path) = shared_file();
    let mut first = window_on(&path);
    let mut second = window_on(&path);
    let id = set_quantity(&mut first, 0, 11.0);
    set_quantity(&mut second, 0, 44.0);
    save(&mut first);
    save(&mut second);
    second.get_by_label("Save as…").click();
    second.run_steps(4);
    assert!(second.state().path_prompt().is_some(), "Save as… asks for a path (typed here: no file dialog)");
    assert_eq!(on_disk(&path).assignment(&id).unwrap().quantity, 11.0);
    let other = dir.path().join("mine.geojson");
    second.state_mut().app.save_to(&other);
    assert_eq!(on_disk(&other).assignment(&id).unwrap().quantity, 44.0);

    let mut third = window_on(&path);
    set_quantity(&mut third, 0, 55.0);
    set_quantity(&mut first, 0, 12.0);
    save(&mut first);
    save(&mut third);
    third.get_by_label("Overwrite").click();
    third.run_steps(2);
    assert_eq!(on_disk(&path).assignment(&id).unwrap().quantity, 55.0);
}

#[test]
fn a_file_rewritten_with_the_same_content_raises_no_banner_and_a_changed_one_does() {
    let (_dir, path) = shared_file();
    let mut h = window_on(&path);
    let bytes = std::fs::read(&path).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, &bytes).unwrap();
    h.state_mut().app.check_disk_now();
    assert!(h.state().app.disk_banner().is_none(), "same content: not a change");
    let mut other = on_disk(&path);
    other.meta.title = "Changed elsewhere".into();
    plan_file::save(&other, &path).unwrap();
    // The window looks by itself every few seconds (frames are 0.1 s apart in the harness).
    h.run_steps(35);
    assert!(h.state().app.disk_banner().is_some(), "the change was noticed");
    h.get_by_label("Dismiss").click();
    h.run_steps(35);
    assert!(h.state().app.disk_banner().is_none(), "dismissed until the file changes again");
}

#[test]
fn recovery_relinks_to_its_plan_file_and_the_next_save_merges_with_what_was_saved_meanwhile() {
    use borderplan::app::AppConfig;
    use borderplan::app::settings::Settings;
    let (dir, path) = shared_file();
    let recovery = dir.path().join("state").join("recovery.borderplan.geojson");
    let config = AppConfig { recovery_path: Some(recovery.clone()), tile_cache: None, load_example: true };
    let ctx = egui::Context::default();
    let mut app = App::with_settings(Settings::default(), config.clone()).unwrap();
    assert!(app.open_plan(&path));
    let mut a = app.plan.assignments[0].clone();
    a.quantity = 66.0;
    let ours_id = a.id.clone();
    app.apply(&ctx, Command::from(Edit::UpdateAssignment(a)));
    app.autosave_if_due(1e9);
    std::mem::forget(app); // the crash

    // Meanwhile another planner saves the same file.
    let mut theirs = on_disk(&path);
    let mut b = theirs.assignments[1].clone();
    b.quantity = 77.0;
    let theirs_id = b.id.clone();
    theirs.apply(Edit::UpdateAssignment(b)).unwrap();
    plan_file::save(&theirs, &path).unwrap();

    let mut h = common::window_harness(App::with_settings(Settings::default(), config).unwrap(), 3);
    let info = h.state().app.recovery_info.clone().expect("the recovery file says what it belongs to");
    assert_eq!(info.plan_path.as_deref(), Some(path.as_path()));
    assert!(!info.autosaved_at.is_empty());
    let prompt = format!("unsaved changes to {}, last autosaved {}", path.display(), info.autosaved_at);
    assert!(h.query_by_label_contains(&prompt).is_some(), "the prompt names the plan and the time: {prompt}");
    h.get_by_label("Recover").click();
    h.run_steps(2);
    assert_eq!(h.state().app.plan_path.as_deref(), Some(path.as_path()), "relinked to its file");
    assert!(h.state().app.dirty);
    save(&mut h);
    assert!(h.query_by_label("The file changed on disk").is_some(), "the save goes through the check");
    h.get_by_label("Merge").click();
    h.run_steps(3);
    let saved = on_disk(&path);
    assert_eq!(saved.assignment(&ours_id).unwrap().quantity, 66.0, "the recovered edit is saved");
    assert_eq!(saved.assignment(&theirs_id).unwrap().quantity, 77.0, "the other planner's edit survives");
    assert!(!recovery.exists(), "saved: the recovery file is gone");
    assert!(!borderplan::io::recovery::base_path(&recovery).exists());
}

#[test]
fn a_save_as_onto_another_copy_of_the_plan_offers_the_merge_and_keeps_both_edits() {
    let (dir, path) = shared_file();
    // A colleague's copy of the same plan, with their edit, where this window saves as…
    let copy = dir.path().join("colleague.geojson");
    let mut theirs = on_disk(&path);
    let mut b = theirs.assignments[1].clone();
    b.quantity = 77.0;
    let theirs_id = b.id.clone();
    theirs.apply(Edit::UpdateAssignment(b)).unwrap();
    plan_file::save(&theirs, &copy).unwrap();

    let mut h = window_on(&path);
    let ours_id = set_quantity(&mut h, 0, 66.0);
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::SaveAs(copy.clone()).into());
    h.run_steps(2);
    assert!(h.query_by_label("That file holds another plan").is_some(), "Save as… replaced a plan unasked");
    assert_eq!(on_disk(&copy).assignment(&ours_id).unwrap().quantity, theirs.assignment(&ours_id).unwrap().quantity);
    h.get_by_label("Merge").click();
    h.run_steps(3);
    let saved = on_disk(&copy);
    assert_eq!(saved.assignment(&ours_id).unwrap().quantity, 66.0, "our edit is saved");
    assert_eq!(saved.assignment(&theirs_id).unwrap().quantity, 77.0, "their edit survives");
    assert_eq!(h.state().app.plan_path.as_deref(), Some(copy.as_path()), "the merged file is the plan's file");
    assert!(!h.state().app.dirty);
    // Save as… onto the plan's own file is Save: nothing to ask.
    h.state_mut().app.apply(&ctx, FileCommand::SaveAs(copy.clone()).into());
    h.run_steps(2);
    assert!(h.state().app.save_conflict.is_none() && h.state().app.replace_question.is_none());
}
