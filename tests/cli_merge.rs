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
        let out = merge(&f, &[flag, "--force"]);
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
            .arg("--force")
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

/// Writes base, ours and theirs made by `edit_ours` / `edit_theirs` from `base_plan`.
fn files_from(base_plan: &Plan, ours: &Plan, theirs: &Plan) -> Files {
    let dir = tempfile::tempdir().unwrap();
    let [base, o, t, out] = ["base", "ours", "theirs", "out"].map(|n| dir.path().join(format!("{n}.geojson")));
    plan_file::save(base_plan, &base).unwrap();
    plan_file::save(ours, &o).unwrap();
    plan_file::save(theirs, &t).unwrap();
    Files { _dir: dir, base, ours: o, theirs: t, out }
}

#[test]
fn a_split_in_one_copy_and_a_new_fence_length_in_the_other_merge_to_the_length_that_was_set() {
    let base = bundled::example_plan().unwrap();
    let seg = base.segments.segments()[3].clone();
    let fence = base
        .assignments_for(&borderplan::model::Target::Segment(seg.id.clone()))
        .find(|a| a.equipment_id == "border-fence")
        .unwrap()
        .clone();
    let mut ours = base.clone();
    ours.apply(Edit::SplitSegment { km: seg.from_km + 10.0 }).unwrap();
    let mut theirs = base.clone();
    let mut a = fence.clone();
    a.quantity = 18.0;
    a.quarter = borderplan::model::Quarter::new(2028, 4);
    theirs.apply(Edit::UpdateAssignment(a)).unwrap();
    let f = files_from(&base, &ours, &theirs);
    let out = merge(&f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let merged = plan_file::load(&f.out).unwrap();
    let fences: Vec<_> = merged.assignments.iter().filter(|a| a.equipment_id == "border-fence").collect();
    let on_parts: Vec<_> = fences
        .iter()
        .filter(|a| {
            merged
                .segments
                .get(a.target.id())
                .is_some_and(|s| s.from_km >= seg.from_km - 1e-6 && s.to_km <= seg.to_km + 1e-6)
        })
        .collect();
    assert_eq!(on_parts.len(), 2);
    assert!((on_parts.iter().map(|a| a.quantity).sum::<f64>() - 18.0).abs() < 1e-9);
    assert!(on_parts.iter().all(|a| a.quarter == borderplan::model::Quarter::new(2028, 4)));
    let validate = bin().arg("validate").arg(&f.out).output().unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", String::from_utf8_lossy(&validate.stdout));
}

#[test]
fn a_merge_that_breaks_a_rule_neither_side_broke_is_listed_and_not_written_unless_allowed() {
    use borderplan::model::{Quarter, Stage};
    let mut base = bundled::example_plan().unwrap();
    let i = base.assignments.iter().position(|a| matches!(a.target, borderplan::model::Target::Outpost(_))).unwrap();
    let mut a = base.assignments[i].clone();
    a.stage = Stage::Three;
    a.quarter = Quarter::new(2027, 3);
    base.apply(Edit::UpdateAssignment(a.clone())).unwrap();
    // Ours moves it into stage 2 (2027-Q3 is in both windows), theirs moves its delivery to 2029-Q2 (stage 3 only).
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let mut o = a.clone();
    o.stage = Stage::Two;
    ours.apply(Edit::UpdateAssignment(o)).unwrap();
    let mut t = a.clone();
    t.quarter = Quarter::new(2029, 2);
    theirs.apply(Edit::UpdateAssignment(t)).unwrap();
    let f = files_from(&base, &ours, &theirs);
    std::fs::write(&f.out, "previous contents").unwrap();
    let out = merge(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("error quarter-outside-stage: ") && stdout.contains(&a.id), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 rule error that neither side had; nothing written"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&f.out).unwrap(), "previous contents");
    let out = merge(&f, &["--allow-rule-errors"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("quarter-outside-stage"));
    let merged = plan_file::load(&f.out).unwrap();
    assert_eq!(merged.assignment(&a.id).unwrap().quarter, Quarter::new(2029, 2));
}

#[test]
fn unknown_members_holding_big_integers_come_back_byte_for_byte_through_a_merge() {
    let f = files((0, 11.0), (1, 22.0));
    // The big numbers are put in every copy's text: at the top, in the header, in a segment and an assignment.
    let big = "123456789012345678901234567890";
    let id = bundled::example_plan().unwrap().assignments[0].id.clone();
    for path in [&f.base, &f.ours, &f.theirs] {
        let text = std::fs::read_to_string(path).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["x_survey_id"] = serde_json::json!("BIG");
        v["borderplan"]["x_budget_line"] = serde_json::json!({"code": "BIG", "rate": "RATE"});
        let features = v["features"].as_array_mut().unwrap();
        features[1]["properties"]["x_cadastre"] = serde_json::json!("BIG");
        let text = serde_json::to_string_pretty(&v).unwrap().replace("\"BIG\"", big).replace("\"RATE\"", "1.10");
        std::fs::write(
            path,
            text.replace(&format!("\"id\": \"{id}\","), &format!("\"id\": \"{id}\", \"x_ref\": -{big},")),
        )
        .unwrap();
    }
    assert!(std::fs::read_to_string(&f.ours).unwrap().contains(&format!("\"x_ref\": -{big}")));
    let out = merge(&f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&f.out).unwrap();
    assert!(text.contains(&format!("\"x_survey_id\": {big}")), "the top-level member");
    assert!(text.contains(&format!("\"code\": {big}")) && text.contains("\"rate\": 1.10"), "the header member");
    assert!(text.contains(&format!("\"x_cadastre\": {big}")), "the segment property");
    assert!(text.contains(&format!("\"x_ref\": -{big}")), "the assignment member");
    assert!(!text.contains("e29") && !text.contains("number:"), "no float and no marker in the file");
    assert_eq!(quantity(&f.out, 0), 11.0);
    assert_eq!(quantity(&f.out, 1), 22.0);
}

#[test]
fn two_copies_pushed_to_one_database_merge_without_a_conflict_on_their_database_link() {
    let link = |v: i64| serde_json::json!({"database": "gis.example:5432/plans", "name": "khatlon-2027", "version": v});
    let mut base = bundled::example_plan().unwrap();
    base.extra.insert("database".into(), link(3));
    let mut ours = with_quantity(&base, 0, 11.0);
    ours.extra.insert("database".into(), link(4));
    let mut theirs = with_quantity(&base, 1, 22.0);
    theirs.extra.insert("database".into(), link(5));
    let f = files_from(&base, &ours, &theirs);
    let out = merge(&f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(plan_file::load(&f.out).unwrap().extra.get("database"), Some(&link(5)));
}
