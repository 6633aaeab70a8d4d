//! Copies of unsaved work (the recovery file, autosaves) and every temp file are readable by their owner only;
//! the write policy: only saving a plan replaces a plan file.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::App;
use borderplan::app::settings::Settings;
use borderplan::app::{AppConfig, Command};
use borderplan::io::atomic::{
    Existing, WriteKind, existing, remove_stale_temp_files_in, write_atomic, write_atomic_built, write_atomic_private,
    write_atomic_with_hook,
};
use borderplan::model::Edit;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_recovery_file_is_written_with_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("data").join("recovery.geojson");
    let config = AppConfig { recovery_path: Some(recovery.clone()), tile_cache: None, load_example: true };
    let ctx = egui::Context::default();
    let mut app = App::with_settings(Settings::default(), config).unwrap();
    app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    app.autosave_if_due(1_000.0);
    assert!(recovery.is_file());
    assert_eq!(mode(&recovery), 0o600);
    // A later autosave replaces the file and keeps it private.
    app.apply(&ctx, Command::from(Edit::SplitSegment { km: 30.5 }));
    app.autosave_if_due(2_000.0);
    assert_eq!(mode(&recovery), 0o600);
}

#[test]
fn a_private_write_over_a_world_readable_file_leaves_it_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("autosave.geojson");
    write_atomic(&path, b"old", WriteKind::Output).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    write_atomic_private(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn an_ordinary_save_keeps_the_platform_default_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    write_atomic(&path, b"plan", WriteKind::Plan).unwrap();
    // Saved plans are shared on purpose; they follow the umask, which never adds write access for others.
    assert_eq!(mode(&path) & 0o002, 0);
    assert_ne!(mode(&path) & 0o600, 0);
}

#[test]
fn a_temp_file_is_beside_its_target_and_owner_only_while_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    let mut seen = None;
    write_atomic_with_hook(&path, b"plan", |tmp| {
        seen = Some(tmp.to_path_buf());
        Ok(())
    })
    .unwrap();
    let tmp = seen.unwrap();
    assert_eq!(tmp.parent(), Some(dir.path()), "the temp file is not beside its target");
    assert!(!tmp.exists());
    // While it is written it is owner-only (it gets the final file's mode just before the rename).
    write_atomic_built(&path, WriteKind::Plan, |tmp| {
        assert_eq!(mode(tmp), 0o600);
        std::fs::write(tmp, b"plan 2")
    })
    .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"plan 2");
}

#[test]
fn replacing_a_file_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.csv");
    write_atomic(&path, b"a", WriteKind::Output).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&path, b"b", WriteKind::Output).unwrap();
    assert_eq!(mode(&path), 0o640);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic(&path, b"c", WriteKind::Output).unwrap();
    assert_eq!((std::fs::read(&path).unwrap(), mode(&path)), (b"c".to_vec(), 0o600));
}

#[test]
fn a_file_built_in_place_that_fails_leaves_no_temp_file_and_the_old_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    std::fs::write(&path, b"old export").unwrap();
    let mut tmp_seen = None;
    let err = write_atomic_built(&path, WriteKind::Output, |tmp| {
        assert_eq!(mode(tmp), 0o600, "the temp file exists, owner-only, before it is built");
        std::fs::write(tmp, vec![7u8; 4096])?;
        tmp_seen = Some(tmp.to_path_buf());
        Err(std::io::Error::other("disk full"))
    })
    .unwrap_err();
    assert!(err.to_string().contains("plan.gpkg"), "{err}");
    assert!(!tmp_seen.unwrap().exists(), "the failed temp file was left");
    assert_eq!(std::fs::read(&path).unwrap(), b"old export");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_output_never_replaces_a_plan_file_but_saving_the_plan_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    let plan = borderplan::io::bundled::example_plan().unwrap();
    borderplan::io::plan_file::save(&plan, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert_eq!(existing(&path), Existing::Plan);
    for format in borderplan::io::export::ExportFormat::ALL {
        let e = borderplan::io::export::export_to_file(&plan, format, &path).unwrap_err();
        assert!(e.to_string().contains("is a borderplan plan file"), "{format}: {e}");
    }
    let e = write_atomic(&path, b"x", WriteKind::Output).unwrap_err();
    assert!(matches!(e, borderplan::io::error::FileError::WouldReplacePlan { .. }), "{e:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a refused write left a file");
    // The exported GeoJSON is not a plan: a later export replaces it.
    let export = dir.path().join("export.geojson");
    borderplan::io::export::export_to_file(&plan, borderplan::io::export::ExportFormat::GeoJson, &export).unwrap();
    assert_eq!(existing(&export), Existing::OtherFile);
    borderplan::io::export::export_to_file(&plan, borderplan::io::export::ExportFormat::GeoJson, &export).unwrap();
    // Forced, or a save of the plan: replaced.
    write_atomic(&path, b"forced", WriteKind::OutputOverPlan).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"forced");
    borderplan::io::plan_file::save(&plan, &path).unwrap();
    write_atomic(&path, b"saved", WriteKind::Plan).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"saved");
}

#[test]
fn the_start_up_sweep_removes_temp_files_of_dead_processes_only() {
    let dir = tempfile::tempdir().unwrap();
    let make = |name: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, b"x").unwrap();
        p
    };
    // 4294967294 is no process's id; our own pid's temp file is a write under way.
    let dead = [make(".plan.geojson.tmp-4294967294"), make(".sheet.png.tmp-4194305")];
    let alive = [
        make(&format!(".plan.geojson.tmp-{}", std::process::id())),
        make("plan.geojson"),
        make(".tmp-4294967294"),
        make("notes.tmp-4294967294"),
        make(".plan.geojson.tmp-12ab"),
        make(".plan.geojson.tmp-4294967294.bak"),
    ];
    remove_stale_temp_files_in(dir.path());
    for p in &dead {
        assert!(!p.exists(), "{} was left", p.display());
    }
    for p in &alive {
        assert!(p.exists(), "{} was removed", p.display());
    }
}

#[test]
fn the_app_sweeps_the_recovery_folder_and_the_recent_plans_folders_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery.geojson");
    let stale = dir.path().join(".recovery.geojson.tmp-4294967294");
    std::fs::write(&stale, b"half an autosave").unwrap();
    let plans = tempfile::tempdir().unwrap();
    let stale_export = plans.path().join(".plan.gpkg.tmp-4294967294");
    std::fs::write(&stale_export, b"half a GeoPackage").unwrap();
    let mut settings = Settings::default();
    settings.add_recent(&plans.path().join("plan.geojson"));
    let config = AppConfig { recovery_path: Some(recovery), tile_cache: None, load_example: true };
    let _app = App::with_settings(settings, config).unwrap();
    assert!(!stale.exists());
    assert!(!stale_export.exists());
}
