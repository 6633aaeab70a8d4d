#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The database dialog works off the UI thread: while it waits for a server that never answers, the window keeps
//! drawing frames, shows "connecting…", and then shows the error in the window — with the plan untouched.

use borderplan::ui::collab::DatabaseForm;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

mod common;

#[test]
fn saving_to_a_server_that_never_answers_keeps_the_window_drawing_and_shows_the_error() {
    // A local port that accepts the TCP connection (the kernel's backlog) and never answers; closed after 2 s.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dead_url = format!("postgresql://planner@127.0.0.1:{port}/plans?connect_timeout=2");
    let mut h = common::example_window(3);
    let plan_before = borderplan::io::plan_file::to_string(&h.state().app.plan).unwrap();
    h.state_mut().ui.windows.database = Some(DatabaseForm::new(dead_url, "shared".into(), true));
    h.run_steps(3);
    h.get_by_label("Save").click();
    let started = Instant::now();
    let mut longest = Duration::ZERO;
    let mut frames = 0;
    let mut saw_connecting = false;
    h.run_steps(1);
    let mut listener = Some(listener);
    while h.state().app.db.job.is_some() && started.elapsed() < Duration::from_secs(20) {
        if started.elapsed() > Duration::from_secs(2) {
            listener = None;
        }
        let t = Instant::now();
        h.run_steps(1);
        longest = longest.max(t.elapsed());
        frames += 1;
        saw_connecting |= h.query_all_by_label_contains("connecting…").next().is_some();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
    let waited = started.elapsed();
    eprintln!("{frames} frames in {waited:?} while connecting, longest frame {longest:?}");
    assert!(h.state().app.db.job.is_none(), "the connection attempt ended within the timeout");
    drop(listener);
    assert!(waited > Duration::from_secs(2), "the server hung for 2 s");
    assert!(saw_connecting, "the dialog said connecting… while it waited");
    assert!(frames as f64 > waited.as_secs_f64() * 5.0, "{frames} frames in {waited:?}");
    assert!(longest < Duration::from_millis(750), "the longest frame took {longest:?}");
    let status = h.state().app.status.clone().unwrap();
    let at = format!("Not saved to the database at 127.0.0.1:{port}/plans");
    assert!(status.error && status.text.contains(&at), "{}", status.text);
    assert_eq!(h.query_all_by_label_contains(&at).count(), 2, "the error in the dialog and the status bar");
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
