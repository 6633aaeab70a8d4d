#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure
//! Nothing is lost when the process dies: a plan file saved over and over and killed with SIGKILL at random
//! moments is always exactly one of the versions that were saved, and the recovery file brings back unsaved
//! edits after a crash.
//!
//! The saving child is this test binary itself, re-run with [`SAVE_LOOP_ENV`] set: the test
//! `save_loop_child_process` then saves in a loop until it is killed (without the variable it returns at once).

use borderplan::synth::SplitMix64 as Rng;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use borderplan::App;
use borderplan::app::settings::Settings;
use borderplan::app::{AppConfig, Command as AppCommand, FileCommand};
use borderplan::io::bundled;
use borderplan::io::plan_file;
use borderplan::model::{Edit, Plan};

/// Path of the plan file the child saves to, again and again.
const SAVE_LOOP_ENV: &str = "BORDERPLAN_TEST_SAVE_LOOP";
/// What the child prints once its first save is done.
const READY: &str = "save-loop ready";

/// The two versions: the example plan titled "A", and titled "B" with its last five assignments removed (so
/// the files differ in length and in content, not just in one byte).
fn versions() -> (Plan, Plan) {
    let mut a = bundled::example_plan().unwrap();
    a.meta.title = "A".into();
    let mut b = a.clone();
    b.meta.title = "B".into();
    let keep = b.assignments.len() - 5;
    b.assignments.truncate(keep);
    (a, b)
}

#[test]
fn save_loop_child_process() {
    let Some(path) = std::env::var_os(SAVE_LOOP_ENV) else { return };
    let path = PathBuf::from(path);
    let (a, b) = versions();
    let mut i: u64 = 0;
    loop {
        let plan = if i.is_multiple_of(2) { &b } else { &a };
        plan_file::save(plan, &path).unwrap();
        if i == 0 {
            println!("{READY}");
        }
        i += 1;
    }
}

fn spawn_saver(path: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "save_loop_child_process", "--nocapture", "--test-threads=1"])
        .env(SAVE_LOOP_ENV, path)
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_plan_file_killed_mid_save_two_hundred_times_is_always_exactly_one_saved_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    let (a, b) = versions();
    let text_a = plan_file::to_string(&a).unwrap();
    let text_b = plan_file::to_string(&b).unwrap();
    assert_ne!(text_a.len(), text_b.len());
    plan_file::save(&a, &path).unwrap();

    let mut rng = Rng(0x0B0D_E4F1);
    let (mut seen_a, mut seen_b) = (0, 0);
    for round in 0..200 {
        let mut child = spawn_saver(&path);
        // Wait until the child has saved once, so the kill lands in the loop, not in process start-up.
        let stdout = child.stdout.take().unwrap();
        let mut ready = false;
        for line in BufReader::new(stdout).lines() {
            if line.unwrap().contains(READY) {
                ready = true;
                break;
            }
        }
        assert!(ready, "round {round}: the child never got ready: {:?}", child.wait());
        let sleep_us = rng.next_u64() % 15_000;
        std::thread::sleep(Duration::from_micros(sleep_us));
        child.kill().unwrap(); // SIGKILL on Unix: no destructors, no cleanup
        let status = child.wait().unwrap();
        assert!(!status.success(), "round {round}: the child was killed, not finished: {status:?}");

        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("round {round}: the plan file is not UTF-8"));
        if text == text_a {
            seen_a += 1;
        } else if text == text_b {
            seen_b += 1;
        } else {
            panic!(
                "round {round} (killed after {sleep_us} µs): the plan file is neither version ({} bytes)",
                text.len()
            );
        }
        let loaded = plan_file::load(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let expected = if text == text_a { &a } else { &b };
        assert_eq!(loaded.meta.title, expected.meta.title);
        assert_eq!(loaded.assignments.len(), expected.assignments.len());
    }
    // A killed save leaves its temp file behind (named per process id); the plan file itself is never damaged.
    let leftovers =
        std::fs::read_dir(dir.path()).unwrap().filter(|e| e.as_ref().is_ok_and(|e| e.path() != path)).count();
    eprintln!("200 kills: version A {seen_a} times, version B {seen_b} times, {leftovers} temp files left behind");
    assert!(seen_b > 0, "the child's saves reached the file");
    assert!(seen_a > 0, "kills landed after more than one save, too");
}

#[test]
fn the_recovery_file_restores_unsaved_edits_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("state").join("recovery.borderplan.geojson");
    let config = AppConfig { recovery_path: Some(recovery.clone()), tile_cache: None, load_example: true };
    let ctx = egui::Context::default();

    let mut app = App::with_settings(Settings::default(), config.clone()).unwrap();
    assert!(app.recovery_offer.is_none(), "nothing to recover at first start");
    let original = app.plan.clone();
    let first = app.plan.segments.segments()[0].id.clone();
    app.apply(
        &ctx,
        AppCommand::from(Edit::RenameSegment { id: first.clone(), name: "Renamed before the crash".into() }),
    );
    let removed: Vec<String> = app.plan.assignments.iter().take(3).map(|a| a.id.clone()).collect();
    app.apply(&ctx, AppCommand::from(Edit::RemoveAssignments(removed)));
    assert!(app.dirty, "the edits are unsaved");
    let edited = app.plan.clone();
    assert_ne!(edited, original);
    app.autosave_if_due(1e9);
    assert!(recovery.is_file(), "autosave wrote the recovery file");
    // The crash: no Drop, no cleanup, no save.
    std::mem::forget(app);

    let mut app = App::with_settings(Settings::default(), config).unwrap();
    assert_eq!(app.recovery_offer.as_deref(), Some(recovery.as_path()), "the next start offers the recovery");
    assert_eq!(app.plan, original, "before recovering, the app shows what it would without a crash");
    app.apply(&ctx, AppCommand::File(FileCommand::Recover));
    assert_eq!(app.plan, edited, "every unsaved edit is back");
    assert!(app.dirty, "the recovered plan still has to be saved");
    assert!(app.recovery_offer.is_none());
    assert_eq!(app.plan.segments.get(&first).map(|s| s.name.as_str()), Some("Renamed before the crash"));
}
