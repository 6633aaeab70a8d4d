#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The shared plan in a real PostgreSQL/PostGIS cluster (started by scripts/test.sh, which exports its URL in
//! BORDERPLAN_TEST_DB). Without that variable every test here prints why and returns.

use borderplan::io::db::{self, DbError, Origin};
use borderplan::io::{bundled, plan_file};
use borderplan::model::{Edit, Plan};
use borderplan::ui::collab::DatabaseForm;
use std::process::Command;

mod common;

fn test_db() -> Option<String> {
    match std::env::var("BORDERPLAN_TEST_DB") {
        Ok(url) if !url.is_empty() => {
            let mut c = db::connect(&url).expect("the test database accepts connections");
            db::init(&mut c).expect("db init");
            Some(url)
        }
        _ => {
            println!("SKIPPED: BORDERPLAN_TEST_DB is not set (scripts/test.sh starts a throwaway PostGIS cluster)");
            None
        }
    }
}

/// A plan name no other test uses.
fn unique_name(what: &str) -> String {
    format!("{what}-{}-{}", std::process::id(), borderplan::model::ids::new_ids("", 1, |_| false)[0])
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_borderplan"));
    c.env("RUST_LOG", "off");
    c
}

fn set_quantity(plan: &mut Plan, index: usize, quantity: f64) -> String {
    let mut a = plan.assignments[index].clone();
    a.quantity = quantity;
    let id = a.id.clone();
    plan.apply(Edit::UpdateAssignment(a)).unwrap();
    id
}

fn text_without_origin(p: &Plan) -> String {
    let mut p = p.clone();
    p.extra.shift_remove(db::ORIGIN_MEMBER);
    plan_file::to_string(&p).unwrap()
}

#[test]
fn a_pushed_plan_pulls_back_unchanged_and_remembers_name_and_version() {
    let Some(url) = test_db() else { return };
    let name = unique_name("roundtrip");
    let plan = bundled::example_plan().unwrap();
    let mut c = db::connect(&url).unwrap();
    let pushed = db::push(&mut c, &url, &plan, &name).unwrap();
    assert_eq!((pushed.version, pushed.merged), (1, false));
    let pulled = db::pull(&mut c, &url, &name).unwrap();
    let (got, want) = (text_without_origin(&pulled), plan_file::to_string(&plan).unwrap());
    let first_difference = got.lines().zip(want.lines()).enumerate().find(|(_, (a, b))| a != b);
    assert!(got == want, "pulled and pushed differ at line {first_difference:?}");
    let origin = Origin::of(&pulled).unwrap();
    assert_eq!((origin.name.as_str(), origin.version), (name.as_str(), 1));
    let listed = db::list(&mut c).unwrap();
    assert!(listed.iter().any(|p| p.name == name && p.version == 1));
}

#[test]
fn a_push_based_on_an_old_version_merges_or_is_refused_with_the_conflicts_and_never_overwrites() {
    let Some(url) = test_db() else { return };
    let name = unique_name("optimistic");
    let mut c = db::connect(&url).unwrap();
    db::push(&mut c, &url, &bundled::example_plan().unwrap(), &name).unwrap();
    let (mut a, mut b, mut late) = (
        db::pull(&mut c, &url, &name).unwrap(),
        db::pull(&mut c, &url, &name).unwrap(),
        db::pull(&mut c, &url, &name).unwrap(),
    );
    let id0 = set_quantity(&mut a, 0, 11.0);
    let id1 = set_quantity(&mut b, 1, 22.0);
    assert_eq!(db::push(&mut c, &url, &a, &name).unwrap().version, 2);
    let merged = db::push(&mut c, &url, &b, &name).unwrap();
    assert!(merged.merged, "b was based on version 1");
    let now = db::pull(&mut c, &url, &name).unwrap();
    assert_eq!(now.assignment(&id0).unwrap().quantity, 11.0);
    assert_eq!(now.assignment(&id1).unwrap().quantity, 22.0);

    // The same field changed from version 1: refused, through the real binary, with the conflict listed.
    set_quantity(&mut late, 0, 99.0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late.geojson");
    plan_file::save(&late, &file).unwrap();
    let out = bin().args(["db", "push"]).arg(&file).args(["--db", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("assignment {id0} quantity: ours 99.0, theirs 11.0\n"));
    let after = db::pull(&mut c, &url, &name).unwrap();
    assert_eq!(Origin::of(&after).unwrap().version, 3, "the refused push wrote nothing");
    assert_eq!(after.assignment(&id0).unwrap().quantity, 11.0);
    match db::push(&mut c, &url, &late, &name) {
        Err(DbError::Conflicts { conflicts, current, .. }) => assert_eq!((conflicts.len(), current), (1, 3)),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn two_concurrent_pushers_with_200_interleaved_edits_lose_nothing() {
    let Some(url) = test_db() else { return };
    let name = unique_name("concurrent");
    let mut c = db::connect(&url).unwrap();
    let base = bundled::example_plan().unwrap();
    db::push(&mut c, &url, &base, &name).unwrap();
    let ids: Vec<String> = base.assignments.iter().map(|a| a.id.clone()).collect();
    // Pusher k edits its own assignments (even / odd index) and, every 10th edit, the shared assignment 0.
    let worker = |k: usize| {
        let (url, name, ids) = (url.clone(), name.clone(), ids.clone());
        std::thread::spawn(move || {
            let mut c = db::connect(&url).unwrap();
            let mut plan = db::pull(&mut c, &url, &name).unwrap();
            let mut accepted: Vec<(i64, String, f64)> = Vec::new();
            let mut refused = 0;
            for i in 0..100usize {
                let index = if i % 10 == 9 { 0 } else { 2 + 2 * (i % 60) + k };
                let value = (1000 * (k + 1) + i) as f64;
                let pos = plan.assignments.position(&ids[index]).unwrap();
                set_quantity(&mut plan, pos, value);
                match db::push(&mut c, &url, &plan, &name) {
                    Ok(p) => {
                        accepted.push((p.version, ids[index].clone(), value));
                        plan = p.plan;
                    }
                    Err(DbError::Conflicts { .. }) => {
                        refused += 1;
                        plan = db::pull(&mut c, &url, &name).unwrap();
                    }
                    Err(e) => panic!("pusher {k}: {e}"),
                }
            }
            (accepted, refused)
        })
    };
    let (one, two) = (worker(0), worker(1));
    let (a, ra) = one.join().unwrap();
    let (b, rb) = two.join().unwrap();
    assert_eq!(a.len() + ra + b.len() + rb, 200);
    let last = db::pull(&mut c, &url, &name).unwrap();
    // Every accepted edit is in the final plan, unless a later accepted edit of the same assignment replaced it.
    let mut all: Vec<(i64, String, f64)> = a.iter().chain(&b).cloned().collect();
    all.sort_by_key(|e| e.0);
    let mut expected = std::collections::HashMap::new();
    for (_, id, value) in &all {
        expected.insert(id.clone(), *value);
    }
    for (id, value) in &expected {
        assert_eq!(last.assignment(id).unwrap().quantity, *value, "assignment {id}");
    }
    let versions: std::collections::HashSet<i64> = all.iter().map(|e| e.0).collect();
    assert_eq!(versions.len(), all.len(), "each accepted push made its own version");
    assert_eq!(Origin::of(&last).unwrap().version, 1 + all.len() as i64);
    eprintln!("200 edits: {} accepted, {} refused explicitly ({ra} + {rb})", all.len(), ra + rb);
}

fn ogr_count(url: &str, table: &str, name: &str) -> usize {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-where", &format!("plan = '{name}'"), &format!("PG:{url}"), table])
        .output()
        .expect("ogrinfo runs (gdal-bin)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count for {table}: {text} {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn gdal_lists_the_tables_with_the_plan_s_feature_counts() {
    let Some(url) = test_db() else { return };
    let name = unique_name("ogr");
    let plan = bundled::example_plan().unwrap();
    let mut c = db::connect(&url).unwrap();
    db::push(&mut c, &url, &plan, &name).unwrap();
    let out = Command::new("ogrinfo").args(["-ro", &format!("PG:{url}")]).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    for layer in [
        "borderplan.segments (Line String)",
        "borderplan.outposts (Point)",
        "borderplan.assignments",
        "borderplan.gaps (Line String)",
    ] {
        assert!(listing.contains(layer), "{layer} in {listing}");
    }
    assert_eq!(ogr_count(&url, "borderplan.segments", &name), plan.segments.len());
    assert_eq!(ogr_count(&url, "borderplan.outposts", &name), plan.outposts.len());
    assert_eq!(ogr_count(&url, "borderplan.assignments", &name), plan.assignments.len());
    let gaps = borderplan::model::stage_coverage(&plan, borderplan::model::Stage::Three).gaps.len();
    assert!(gaps > 0);
    assert_eq!(ogr_count(&url, "borderplan.gaps", &name), gaps);
}

#[test]
fn a_killed_push_leaves_the_previous_version_whole() {
    let Some(url) = test_db() else { return };
    let name = unique_name("killed");
    let mut c = db::connect(&url).unwrap();
    let small = bundled::example_plan().unwrap();
    db::push(&mut c, &url, &small, &name).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.geojson");
    let mut big = db::pull(&mut c, &url, &name).unwrap();
    let extra = borderplan::synth::plan_with_assignments(20_000).unwrap();
    let rows: Vec<_> = extra
        .assignments
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.id = format!("{}-big", a.id);
            a
        })
        .collect();
    big.apply(Edit::AddAssignments(rows)).unwrap();
    plan_file::save(&big, &file).unwrap();
    let started = std::time::Instant::now();
    let copy = dir.path().join("timing.geojson");
    std::fs::copy(&file, &copy).unwrap();
    let timing_name = format!("{name}-timing");
    let out = bin().args(["db", "push"]).arg(&copy).args(["--db", &url, "--name", &timing_name]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let window_us = (started.elapsed().as_micros() as u64).max(1_000);
    let mut rng = borderplan::synth::SplitMix64(0xD8);
    let mut outcomes = [0usize; 2];
    for round in 0..12 {
        let mut child = bin()
            .args(["db", "push"])
            .arg(&file)
            .args(["--db", &url, "--name", &name])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(rng.next_u64() % window_us));
        let _ = child.kill();
        let _ = child.wait();
        let now = db::pull(&mut c, &url, &name).unwrap();
        let rows: i64 =
            c.query_one("SELECT count(*) FROM borderplan.assignments WHERE plan = $1", &[&name]).unwrap().get(0);
        assert_eq!(rows as usize, now.assignments.len(), "round {round}: the GIS rows match the stored version");
        let grown = now.assignments.len() == big.assignments.len();
        assert!(grown || now.assignments.len() == small.assignments.len(), "round {round}: neither version");
        outcomes[usize::from(grown)] += 1;
        if grown {
            // Back to the small plan for the next round (based on the current version).
            let mut back = small.clone();
            back.extra.insert(db::ORIGIN_MEMBER.into(), now.extra[db::ORIGIN_MEMBER].clone());
            db::push(&mut c, &url, &back, &name).unwrap();
            // The big file's recorded base is now old; give it the current one again.
            let cur = db::pull(&mut c, &url, &name).unwrap();
            let mut again = big.clone();
            again.extra.insert(db::ORIGIN_MEMBER.into(), cur.extra[db::ORIGIN_MEMBER].clone());
            plan_file::save(&again, &file).unwrap();
        }
    }
    eprintln!(
        "12 killed pushes: previous version kept {} times, new version complete {} times",
        outcomes[0], outcomes[1]
    );
}

fn wait_for_database(h: &mut egui_kittest::Harness<'static, borderplan::Window>) {
    h.run_steps(2);
    let started = std::time::Instant::now();
    while h.state().app.db.job.is_some() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(2);
}

#[test]
fn after_a_one_assignment_edit_a_push_writes_exactly_that_row() {
    let Some(url) = test_db() else { return };
    let name = unique_name("incremental");
    let mut c = db::connect(&url).unwrap();
    let first = db::push(&mut c, &url, &bundled::example_plan().unwrap(), &name).unwrap();
    let rows_before = first.rows_written;
    let xmins = |c: &mut postgres::Client, table: &str| -> Vec<(String, String)> {
        c.query(&format!("SELECT id, xmin::text FROM borderplan.{table} WHERE plan = $1 ORDER BY 1"), &[&name])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    let mut plan = db::pull(&mut c, &url, &name).unwrap();
    let before: Vec<_> = ["segments", "outposts", "assignments"].iter().map(|t| xmins(&mut c, t)).collect();
    let id = set_quantity(&mut plan, 0, 77.0);
    let pushed = db::push(&mut c, &url, &plan, &name).unwrap();
    assert_eq!(pushed.version, 2);
    let changed: Vec<(String, i64)> = c
        .query("SELECT id, version FROM borderplan.assignments WHERE plan = $1 AND version = 2", &[&name])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(changed, vec![(id.clone(), 2)], "only the edited assignment carries the new version");
    let after: Vec<_> = ["segments", "outposts", "assignments"].iter().map(|t| xmins(&mut c, t)).collect();
    assert_eq!(before[0], after[0], "no segment row rewritten");
    assert_eq!(before[1], after[1], "no outpost row rewritten");
    let rewritten: Vec<&String> =
        before[2].iter().zip(&after[2]).filter(|(b, a)| b.1 != a.1).map(|(b, _)| &b.0).collect();
    assert_eq!(rewritten, vec![&id], "exactly the edited assignment row was written");
    assert!(pushed.rows_written < rows_before, "{} rows written of {rows_before}", pushed.rows_written);
    let quantity: f64 = c
        .query_one("SELECT quantity FROM borderplan.assignments WHERE plan = $1 AND id = $2", &[&name, &id])
        .unwrap()
        .get(0);
    assert_eq!(quantity, 77.0);
    // Removing an assignment deletes its row; the counts GDAL sees follow the plan.
    let mut plan = db::pull(&mut c, &url, &name).unwrap();
    let gone = plan.assignments[1].id.clone();
    plan.apply(Edit::RemoveAssignments(vec![gone.clone()])).unwrap();
    db::push(&mut c, &url, &plan, &name).unwrap();
    assert_eq!(ogr_count(&url, "borderplan.assignments", &name), plan.assignments.len());
    assert_eq!(ogr_count(&url, "borderplan.segments", &name), plan.segments.len());
    let gaps = borderplan::model::stage_coverage(&plan, borderplan::model::Stage::Three).gaps.len();
    assert_eq!(ogr_count(&url, "borderplan.gaps", &name), gaps);
    eprintln!("first push {rows_before} rows, one-assignment edit {} row(s)", pushed.rows_written);
}

#[test]
fn the_window_saves_to_and_opens_from_the_database_and_shows_connection_errors() {
    use egui_kittest::kittest::Queryable;
    let Some(url) = test_db() else { return };
    let name = unique_name("window");
    let mut h = common::example_window(3);
    let ctx = h.ctx.clone();
    let mut a = h.state().app.plan.assignments[0].clone();
    a.quantity = 123.0;
    let id = a.id.clone();
    h.state_mut().app.apply(&ctx, borderplan::app::Command::from(Edit::UpdateAssignment(a)));
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(url.clone(), name.clone(), true));
    h.run_steps(3);
    h.get_by_label("Save").click();
    wait_for_database(&mut h);
    assert!(h.state().ui.windows.database.is_none(), "the dialog closes after a successful save");
    let status = h.state().app.status.clone().unwrap();
    assert!(!status.error && status.text.contains("version 1"), "{}", status.text);
    let mut c = db::connect(&url).unwrap();
    assert_eq!(db::pull(&mut c, &url, &name).unwrap().assignment(&id).unwrap().quantity, 123.0);

    // A connection that fails says why in the window and keeps the plan.
    h.state_mut().ui.windows.database =
        Some(DatabaseForm::new("host=/no/such/socket dbname=x".into(), name.clone(), true));
    h.run_steps(3);
    h.get_by_label("Save").click();
    wait_for_database(&mut h);
    let status = h.state().app.status.clone().unwrap();
    assert!(status.error && status.text.contains("Not saved to the database at /no/such/socket"), "{}", status.text);
    assert!(h.query_all_by_label_contains("cannot connect").count() == 2, "the dialog shows the error");

    let mut fresh = common::example_window(3);
    fresh.state_mut().ui.windows.database = Some(DatabaseForm::new(url.clone(), name.clone(), false));
    fresh.run_steps(3);
    fresh.get_by_label("Open").click();
    wait_for_database(&mut fresh);
    assert_eq!(fresh.state().app.plan.assignment(&id).unwrap().quantity, 123.0);
    assert_eq!(Origin::of(&fresh.state().app.plan).unwrap().version, 1);
}

/// The URL with another database and/or user (the test URL is libpq key-value text).
fn url_with(url: &str, dbname: Option<&str>, user: Option<&str>) -> String {
    let mut parts: Vec<String> = url
        .split_whitespace()
        .filter(|kv| {
            let replaced_db = dbname.is_some() && kv.starts_with("dbname=");
            let replaced_user = user.is_some() && kv.starts_with("user=");
            !replaced_db && !replaced_user
        })
        .map(str::to_owned)
        .collect();
    parts.extend(dbname.map(|d| format!("dbname={d}")));
    parts.extend(user.map(|u| format!("user={u}")));
    parts.join(" ")
}

#[test]
fn a_pull_onto_unpushed_edits_is_refused_merged_with_merge_and_replaced_only_with_force() {
    let Some(url) = test_db() else { return };
    let name = unique_name("pull-onto-edits");
    let mut c = db::connect(&url).unwrap();
    db::push(&mut c, &url, &bundled::example_plan().unwrap(), &name).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.geojson");
    let pull = |extra: &[&str]| {
        bin().args(["db", "pull", "--db", &url, "--name", &name, "-o"]).arg(&file).args(extra).output().unwrap()
    };
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(pull(&[]).status.success());
    // An unchanged pulled copy is brought up to date without a word.
    let o = pull(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Edits that were never pushed, while someone else pushes version 2.
    let mut mine = plan_file::load(&file).unwrap();
    let my_id = set_quantity(&mut mine, 0, 33.0);
    plan_file::save(&mine, &file).unwrap();
    let mut theirs = db::pull(&mut c, &url, &name).unwrap();
    let their_id = set_quantity(&mut theirs, 1, 44.0);
    assert_eq!(db::push(&mut c, &url, &theirs, &name).unwrap().version, 2);
    let before = std::fs::read(&file).unwrap();
    let o = pull(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 change not pushed since version 1"), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("assignment {my_id} quantity")), "{}", stderr(&o));
    assert!(stderr(&o).contains("--merge") && stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before, "the unpushed edits were overwritten");
    // --merge: both edits, based on version 2; the next push sends exactly ours.
    let o = pull(&["--merge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let merged = plan_file::load(&file).unwrap();
    assert_eq!(merged.assignment(&my_id).unwrap().quantity, 33.0);
    assert_eq!(merged.assignment(&their_id).unwrap().quantity, 44.0);
    assert_eq!(Origin::of(&merged).unwrap().version, 2);
    let o = bin().args(["db", "push"]).arg(&file).args(["--db", &url]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let now = db::pull(&mut c, &url, &name).unwrap();
    assert_eq!(Origin::of(&now).unwrap().version, 3);
    assert_eq!((now.assignment(&my_id).unwrap().quantity, now.assignment(&their_id).unwrap().quantity), (33.0, 44.0));
    // --force replaces unpushed edits; a plan not pulled from this plan is refused unless forced.
    let mut edited = plan_file::load(&file).unwrap();
    set_quantity(&mut edited, 2, 55.0);
    plan_file::save(&edited, &file).unwrap();
    assert_eq!(pull(&[]).status.code(), Some(1));
    assert!(pull(&["--force"]).status.success());
    assert_eq!(text_without_origin(&plan_file::load(&file).unwrap()), text_without_origin(&now));
    plan_file::save(&bundled::example_plan().unwrap(), &file).unwrap();
    let o = pull(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not pulled from"), "{}", stderr(&o));
    assert!(pull(&["--force"]).status.success());
}

#[test]
fn a_plan_pulled_from_one_database_and_pushed_to_another_with_a_plan_of_that_name_is_refused() {
    let Some(url) = test_db() else { return };
    let name = unique_name("two-databases");
    let other_db = format!("bp_other_{}", std::process::id());
    let mut admin = db::connect(&url).unwrap();
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {other_db}")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {other_db}")).unwrap();
    let other = url_with(&url, Some(&other_db), None);
    let mut b = db::connect(&other).unwrap();
    db::init(&mut b).unwrap();
    // Both databases hold “name” at version 1, each its own team's.
    let mut a = db::connect(&url).unwrap();
    db::push(&mut a, &url, &bundled::example_plan().unwrap(), &name).unwrap();
    let mut their_plan = bundled::example_plan().unwrap();
    let their_id = set_quantity(&mut their_plan, 3, 99.0);
    db::push(&mut b, &other, &their_plan, &name).unwrap();
    let stored_before = text_without_origin(&db::pull(&mut b, &other, &name).unwrap());

    let mut pulled = db::pull(&mut a, &url, &name).unwrap();
    set_quantity(&mut pulled, 0, 12.0);
    match db::push(&mut b, &other, &pulled, &name) {
        Err(e @ DbError::OtherHistory { .. }) => {
            assert!(e.to_string().contains("has its own history"), "{e}");
            assert!(e.is_refusal());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("from-a.geojson");
    plan_file::save(&pulled, &file).unwrap();
    let o = bin().args(["db", "push"]).arg(&file).args(["--db", &other]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let after = db::pull(&mut b, &other, &name).unwrap();
    assert_eq!(Origin::of(&after).unwrap().version, 1, "the other team's plan got a new version");
    assert_eq!(text_without_origin(&after), stored_before);
    assert_eq!(after.assignment(&their_id).unwrap().quantity, 99.0);
    // The same database through another URL is the same history: accepted.
    let same = format!("{url} connect_timeout=9");
    assert_eq!(db::push(&mut a, &same, &pulled, &name).unwrap().version, 2);
    drop(b);
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {other_db} WITH (FORCE)")).unwrap();
}

#[test]
fn database_errors_give_the_servers_message_and_what_it_names_in_the_cli_and_the_window() {
    let Some(url) = test_db() else { return };
    let name = unique_name("denied");
    let role = format!("bp_reader_{}", std::process::id());
    let mut admin = db::connect(&url).unwrap();
    admin.batch_execute(&format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN")).unwrap();
    let reader = url_with(&url, None, Some(&role));
    let e = db::connect(&reader).and_then(|mut c| db::push(&mut c, &reader, &bundled::example_plan().unwrap(), &name));
    let text = e.unwrap_err().to_string();
    assert!(text.contains("permission denied for schema borderplan"), "{text}");
    assert!(text.contains("SQLSTATE 42501"), "{text}");
    assert!(!text.contains("db error"), "{text}");
    let o = bin().args(["db", "list", "--db", &reader]).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("permission denied for schema borderplan"), "{stderr}");
    // The window says the same in its status bar and dialog.
    let mut h = common::example_window(3);
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(reader.clone(), name.clone(), true));
    h.run_steps(3);
    {
        use egui_kittest::kittest::Queryable;
        h.get_by_label("Save").click();
    }
    wait_for_database(&mut h);
    let status = h.state().app.status.clone().unwrap();
    assert!(status.error && status.text.contains("permission denied for schema borderplan"), "{}", status.text);
    drop(h);
    admin.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}")).unwrap();
}

#[test]
fn a_nul_character_in_a_note_is_pushed_and_pulled_back_byte_for_byte() {
    let Some(url) = test_db() else { return };
    let name = unique_name("nul-note");
    let mut plan = bundled::example_plan().unwrap();
    let mut a = plan.assignments[0].clone();
    a.note = "left\u{0}right".into();
    let id = a.id.clone();
    plan.apply(Edit::UpdateAssignment(a)).unwrap();
    let mut c = db::connect(&url).unwrap();
    db::push(&mut c, &url, &plan, &name).unwrap();
    let pulled = db::pull(&mut c, &url, &name).unwrap();
    assert_eq!(pulled.assignment(&id).unwrap().note, "left\u{0}right");
    let gis: String = c
        .query_one("SELECT note FROM borderplan.assignments WHERE plan = $1 AND id = $2", &[&name, &id])
        .unwrap()
        .get(0);
    assert_eq!(gis, "left\u{FFFD}right", "the GIS copy shows the NUL as U+FFFD");
}

/// The window with `name` opened from the database.
fn window_opened_from(url: &str, name: &str) -> egui_kittest::Harness<'static, borderplan::Window> {
    let mut h = common::example_window(3);
    let ctx = h.ctx.clone();
    let open = borderplan::app::FileCommand::OpenFromDatabase { url: url.to_owned(), name: name.to_owned() };
    h.state_mut().app.apply(&ctx, open.into());
    wait_for_database(&mut h);
    assert!(Origin::of(&h.state().app.plan).is_some(), "{:?}", h.state().app.status);
    assert!(!h.state().app.dirty);
    h
}

fn set_quantity_in_window(h: &mut egui_kittest::Harness<'static, borderplan::Window>, index: usize, q: f64) -> String {
    let ctx = h.ctx.clone();
    let mut a = h.state().app.plan.assignments[index].clone();
    a.quantity = q;
    let id = a.id.clone();
    h.state_mut().app.apply(&ctx, borderplan::app::Command::from(Edit::UpdateAssignment(a)));
    id
}

#[test]
fn a_save_to_database_marks_a_database_plan_saved_and_the_guards_save_pushes_it_then_quits() {
    use egui_kittest::kittest::Queryable;
    let Some(url) = test_db() else { return };
    let name = unique_name("guard");
    let mut c = db::connect(&url).unwrap();
    db::push(&mut c, &url, &bundled::example_plan().unwrap(), &name).unwrap();
    let mut h = window_opened_from(&url, &name);
    let id = set_quantity_in_window(&mut h, 0, 321.0);
    assert!(h.state().app.title().starts_with("● "));
    // Save to database… from the dialog: saved, the title loses its mark, Quit asks nothing.
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(url.clone(), name.clone(), true));
    h.run_steps(3);
    h.get_by_label("Save").click();
    wait_for_database(&mut h);
    assert!(!h.state().app.dirty, "{:?}", h.state().app.status);
    assert!(!h.state().app.title().starts_with("● "), "{}", h.state().app.title());
    assert_eq!(db::pull(&mut c, &url, &name).unwrap().assignment(&id).unwrap().quantity, 321.0);
    // Another edit, then Quit: the guard's Save means Save to database, and the quit follows it.
    let id = set_quantity_in_window(&mut h, 1, 654.0);
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, borderplan::app::FileCommand::Quit.into());
    h.run_steps(2);
    assert!(h.state().app.pending.is_some(), "unsaved: the guard asks");
    h.get_by_label("Save to database").click();
    wait_for_database(&mut h);
    let app = &h.state().app;
    assert!(app.allow_close, "the quit followed the push: {:?}", app.status);
    assert!(!app.dirty);
    let stored = db::pull(&mut c, &url, &name).unwrap();
    assert_eq!(stored.assignment(&id).unwrap().quantity, 654.0);
    assert_eq!(Origin::of(&stored).unwrap().version, 3);
}

#[test]
fn a_conflicting_save_to_database_is_resolved_in_the_merge_dialog_and_then_pushed() {
    use egui_kittest::kittest::Queryable;
    let Some(url) = test_db() else { return };
    let name = unique_name("conflict");
    let mut c = db::connect(&url).unwrap();
    db::push(&mut c, &url, &bundled::example_plan().unwrap(), &name).unwrap();
    let mut h = window_opened_from(&url, &name);
    // Another planner pushes version 2: the same quantity changed, and a note on another row.
    let mut theirs = db::pull(&mut c, &url, &name).unwrap();
    let id = set_quantity(&mut theirs, 0, 5.0);
    let mut noted = theirs.assignments[1].clone();
    noted.note = "checked on site".into();
    let noted_id = noted.id.clone();
    theirs.apply(Edit::UpdateAssignment(noted)).unwrap();
    assert_eq!(db::push(&mut c, &url, &theirs, &name).unwrap().version, 2);
    // Meanwhile the window set the same quantity to 7 and saves.
    set_quantity_in_window(&mut h, 0, 7.0);
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(url.clone(), name.clone(), true));
    h.run_steps(3);
    h.get_by_label("Save").click();
    wait_for_database(&mut h);
    assert!(h.state().app.merge_review.is_some(), "the conflict opens the merge dialog: {:?}", h.state().app.status);
    assert!(h.query_all_by_label_contains("version 2 of").next().is_some(), "the dialog names the other side");
    assert_eq!(db::pull(&mut c, &url, &name).unwrap().assignment(&id).unwrap().quantity, 5.0, "nothing pushed yet");
    h.get_by_label("All ours").click();
    h.run_steps(2);
    h.get_by_label_contains("Apply merge and save to database").click();
    wait_for_database(&mut h);
    let app = &h.state().app;
    assert!(app.merge_review.is_none());
    assert!(!app.dirty, "{:?}", app.status);
    let stored = db::pull(&mut c, &url, &name).unwrap();
    assert_eq!(Origin::of(&stored).unwrap().version, 3);
    assert_eq!(stored.assignment(&id).unwrap().quantity, 7.0, "ours, as decided");
    assert_eq!(stored.assignment(&noted_id).unwrap().note, "checked on site", "their other change kept");
    assert_eq!(app.plan.assignment(&noted_id).unwrap().note, "checked on site");
}
