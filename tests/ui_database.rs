#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The database dialog works off the UI thread: while it tries a host that never answers, the window keeps
//! drawing frames, shows "connecting…", and then shows the error in the window — with the plan untouched.

use borderplan::ui::collab::DatabaseForm;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

mod common;

/// A TCP address that swallows the connection attempt (non-routable), with a short timeout.
const DEAD_URL: &str = "postgresql://planner@10.255.255.1:5432/plans?connect_timeout=2";

#[test]
fn saving_to_a_dead_host_keeps_the_window_drawing_and_shows_the_error() {
    let mut h = common::example_window(3);
    let plan_before = borderplan::io::plan_file::to_string(&h.state().app.plan).unwrap();
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(DEAD_URL.into(), "shared".into(), true));
    h.run_steps(3);
    h.get_by_label("Save").click();
    let started = Instant::now();
    let mut longest = Duration::ZERO;
    let mut frames = 0;
    let mut saw_connecting = false;
    h.run_steps(1);
    while h.state().app.db.job.is_some() && started.elapsed() < Duration::from_secs(20) {
        let t = Instant::now();
        h.run_steps(1);
        longest = longest.max(t.elapsed());
        frames += 1;
        saw_connecting |= h.query_by_label_contains("connecting…").is_some();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
    let waited = started.elapsed();
    eprintln!("{frames} frames in {waited:?} while connecting, longest frame {longest:?}");
    assert!(h.state().app.db.job.is_none(), "the connection attempt ended within the timeout");
    // Either the host swallowed the attempt (then we drew frames meanwhile) or the network refused at once.
    if waited > Duration::from_millis(500) {
        assert!(saw_connecting, "the dialog said connecting… while it waited");
        assert!(frames as f64 > waited.as_secs_f64() * 5.0, "{frames} frames in {waited:?}");
    }
    assert!(longest < Duration::from_millis(750), "the longest frame took {longest:?}");
    let status = h.state().app.status.clone().unwrap();
    assert!(status.error && status.text.contains("10.255.255.1:5432/plans"), "{}", status.text);
    assert!(h.query_by_label_contains("Not saved to the database at 10.255.255.1").is_some(), "error in the dialog");
    assert_eq!(borderplan::io::plan_file::to_string(&h.state().app.plan).unwrap(), plan_before, "plan kept");
}

#[test]
fn a_closed_local_port_is_reported_with_where_it_was() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("postgresql://planner@127.0.0.1:{port}/plans");
    let mut h = common::example_window(3);
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(url, "shared".into(), false));
    h.run_steps(3);
    h.get_by_label("Open").click();
    let started = Instant::now();
    h.run_steps(1);
    while h.state().app.db.job.is_some() && started.elapsed() < Duration::from_secs(20) {
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
    let status = h.state().app.status.clone().unwrap();
    assert!(
        status.error && status.text.contains(&format!("127.0.0.1:{port}/plans")) && status.text.contains("connect"),
        "{}",
        status.text
    );
    assert!(h.state().ui.windows.database.is_some(), "the dialog stays open with the error");
}
