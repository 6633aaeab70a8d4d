#![allow(clippy::unwrap_used, clippy::expect_used)]
//! File › Export map image… in the real window: the dialog, its choices, and the sheet written off the UI thread.

use borderplan::app::{Ask, FileCommand};
use borderplan::window::Dialogs;
use egui_kittest::kittest::Queryable;
use std::sync::{Arc, Mutex};

mod common;

#[test]
fn the_export_map_image_menu_item_opens_the_sheet_dialog_and_writes_a_pdf_of_the_whole_border() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sheet.pdf");
    let asked = Arc::new(Mutex::new(Vec::new()));
    let mut h = common::example_window(3);
    let (target, log) = (out.clone(), asked.clone());
    h.state_mut().dialogs = Dialogs::Scripted(Box::new(move |ask, _app| {
        log.lock().unwrap().push(ask);
        match ask {
            Ask::MapImage(request) => Some(FileCommand::ExportMapImage(target.clone(), request).into()),
            _ => None,
        }
    }));
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Export map image…").click();
    h.run_steps(2);
    assert!(h.state().ui.windows.sheet.is_some(), "the dialog is open");
    h.get_by_label("PDF (vector)").click();
    h.get_by_label("Whole border").click();
    h.get_by_label("A3 landscape").click();
    h.run_steps(2);
    h.get_by_label("Export…").click();
    h.run_steps(2);
    let request = match asked.lock().unwrap().as_slice() {
        [Ask::MapImage(r)] => *r,
        other => panic!("asked {other:?}"),
    };
    assert!(!request.current_view);
    assert_eq!(request.format.extension(), "pdf");
    assert!(h.state().ui.windows.sheet.is_none(), "the dialog closes");
    for _ in 0..300 {
        if h.state().app.sheet_job.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    assert!(h.state().app.sheet_job.is_none(), "the sheet is written");
    let bytes = std::fs::read(&out).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("/MediaBox [0 0 1190.4"), "A3 at 150 DPI");
    let status = h.state().app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(status.contains("Saved the map sheet"), "{status}");
}
