#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Two processes editing the same plan file, through the real binary: `borderplan merge` combines different
//! edits, reports the same field changed both ways as a conflict without writing anything, and a merge killed
//! while it writes leaves the old file or the new one, never a torn one. `borderplan diff` lists the changes.

use borderplan::io::{bundled, plan_file};
use borderplan::model::{Edit, Plan};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_borderplan"));
    c.env("RUST_LOG", "off");
    c
}

/// The base, and two copies each edited by one "planner" process (our side and theirs).
struct Files {
    _dir: tempfile::TempDir,
    base: PathBuf,
    ours: PathBuf,
    theirs: PathBuf,
    out: PathBuf,
}

fn with_quantity(plan: &Plan, index: usize, quantity: f64) -> Plan {
    let mut p = plan.clone();
    let mut a = p.assignments[index].clone();
    a.quantity = quantity;
    p.apply(Edit::UpdateAssignment(a)).unwrap();
    p
}

fn files(ours_edit: (usize, f64), theirs_edit: (usize, f64)) -> Files {
    let dir = tempfile::tempdir().unwrap();
    let base_plan = bundled::example_plan().unwrap();
    let [base, ours, theirs, out] = ["base", "ours", "theirs", "out"].map(|n| dir.path().join(format!("{n}.geojson")));
    plan_file::save(&base_plan, &base).unwrap();
    plan_file::save(&with_quantity(&base_plan, ours_edit.0, ours_edit.1), &ours).unwrap();
    plan_file::save(&with_quantity(&base_plan, theirs_edit.0, theirs_edit.1), &theirs).unwrap();
    Files { _dir: dir, base, ours, theirs, out }
}

fn merge(f: &Files, extra: &[&str]) -> std::process::Output {
    let mut c = bin();
    c.arg("merge").arg(&f.base).arg(&f.ours).arg(&f.theirs).arg("-o").arg(&f.out).args(extra);
    c.output().unwrap()
}

fn quantity(path: &Path, index: usize) -> f64 {
    let base = bundled::example_plan().unwrap();
    plan_file::load(path).unwrap().assignment(&base.assignments[index].id).unwrap().quantity
}

#[test]
fn different_edits_of_two_processes_both_survive_the_merge() {
    let f = files((0, 11.0), (1, 22.0));
    let out = merge(&f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(quantity(&f.out, 0), 11.0);
    assert_eq!(quantity(&f.out, 1), 22.0);
}

#[test]
fn the_same_field_changed_by_both_is_listed_and_nothing_is_written_unless_a_side_is_picked() {
    let f = files((0, 11.0), (0, 33.0));
    std::fs::write(&f.out, "previous contents").unwrap();
    let out = merge(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let id = bundled::example_plan().unwrap().assignments[0].id.clone();
    assert_eq!(stdout, format!("assignment {id} quantity: ours 11.0, theirs 33.0\n"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 conflict; nothing written"));
    assert_eq!(std::fs::read_to_string(&f.out).unwrap(), "previous contents", "the output is untouched");
    for (flag, expected) in [("--theirs", 33.0), ("--ours", 11.0)] {
        let out = merge(&f, &[flag]);
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(quantity(&f.out, 0), expected, "{flag}");
    }
    assert_eq!(merge(&f, &["--ours", "--theirs"]).status.code(), Some(2), "one side only");
}

#[test]
fn diff_prints_one_line_per_change() {
    let f = files((0, 11.0), (1, 22.0));
    let out = bin().arg("diff").arg(&f.base).arg(&f.ours).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let id = bundled::example_plan().unwrap().assignments[0].id.clone();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with(&format!("assignment {id} quantity: ")) && text.trim_end().ends_with("→ 11.0"), "{text}");
    let missing = bin().arg("diff").arg(&f.base).arg("/no/such/plan.geojson").output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_merge_killed_while_it_writes_leaves_the_old_output_or_the_merged_one() {
    let f = files((0, 11.0), (1, 22.0));
    // Kill moments spread over twice the time one whole merge process takes on this machine.
    let started = std::time::Instant::now();
    assert_eq!(merge(&f, &[]).status.code(), Some(0));
    let window_us = (started.elapsed().as_micros() as u64 * 2).max(1_000);
    let merged = std::fs::read(&f.out).unwrap();
    let old = plan_file::to_string(&bundled::example_plan().unwrap()).unwrap().into_bytes();
    let mut rng = borderplan::synth::SplitMix64(0x5EED);
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..40 {
        std::fs::write(&f.out, &old).unwrap();
        let mut child = bin()
            .arg("merge")
            .arg(&f.base)
            .arg(&f.ours)
            .arg(&f.theirs)
            .arg("-o")
            .arg(&f.out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(rng.next_u64() % window_us));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&f.out).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == merged {
            saw_new += 1;
        } else {
            panic!("round {round}: the output is torn ({} bytes)", now.len());
        }
    }
    eprintln!("40 kills: old output {saw_old} times, merged output {saw_new} times");
    assert!(saw_old > 0 && saw_new > 0, "kills landed before and after the write ({saw_old}/{saw_new})");
}
