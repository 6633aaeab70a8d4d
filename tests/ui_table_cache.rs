//! The plan table filters and sorts once per change of the plan, filters or sort, not once per frame; its numbers
//! change only when typed (a drag changes nothing; Enter commits, Esc cancels; each commit is one named undo step).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::App;
use borderplan::app::Command;
use borderplan::model::{Edit, Stage};
use borderplan::ui::plan_table::{RowCache, SortKey, visible_rows};
use borderplan::ui::state::TableState;
use std::sync::Arc;

mod common;

#[test]
fn the_table_rows_are_reused_until_the_plan_filters_or_sort_change() {
    let mut app = App::for_tests().unwrap();
    let ctx = egui::Context::default();
    let mut table = TableState::default();
    let mut cache = RowCache::default();
    let first = cache.rows(&app, &table);
    assert_eq!(*first, visible_rows(&app, &table));
    // Another frame with nothing changed: the same list, not a new one.
    assert!(Arc::ptr_eq(&first, &cache.rows(&app, &table)));

    table.stage = Some(Stage::Two);
    let stage2 = cache.rows(&app, &table);
    assert!(stage2.len() < first.len() && !stage2.is_empty());
    assert_eq!(*stage2, visible_rows(&app, &table));

    table.sort = SortKey::Quantity;
    table.descending = true;
    let by_quantity = cache.rows(&app, &table);
    assert_eq!(*by_quantity, visible_rows(&app, &table));
    let quantities: Vec<f64> = by_quantity.iter().map(|&i| app.plan.assignments[i].quantity).collect();
    assert!(quantities.windows(2).all(|w| w[0] >= w[1]));

    // An edit of the plan: the rows follow.
    let gone = app.plan.assignments[by_quantity[0]].id.clone();
    app.apply(&ctx, Command::from(Edit::RemoveAssignments(vec![gone.clone()])));
    let after = cache.rows(&app, &table);
    assert_eq!(after.len(), by_quantity.len() - 1);
    assert_eq!(*after, visible_rows(&app, &table));
    assert!(after.iter().all(|&i| app.plan.assignments[i].id != gone));
}

#[test]
fn after_single_row_edits_the_cached_rows_equal_a_fresh_filter_and_sort() {
    let mut app = App::for_tests().unwrap();
    let ctx = egui::Context::default();
    let suppliers: Vec<String> = {
        let set: std::collections::BTreeSet<&str> = app.plan.assignments.iter().map(|a| a.supplier.as_str()).collect();
        set.into_iter().map(str::to_owned).collect()
    };
    for sort in [SortKey::Km, SortKey::Quantity, SortKey::Supplier, SortKey::Stage] {
        let table = TableState { sort, supplier: Some(suppliers[0].clone()), ..TableState::default() };
        let unfiltered = TableState { sort, ..TableState::default() };
        let mut cache = RowCache::default();
        let mut all = RowCache::default();
        for step in 0..12 {
            cache.rows(&app, &table);
            let before = all.rows(&app, &unfiltered);
            let i = (step * 37) % app.plan.assignments.len();
            let mut a = app.plan.assignments[i].clone();
            // Quantity edits (which keep the rows unless the table is sorted by quantity), then edits of what
            // the filter and the sort look at.
            match step % 4 {
                0 | 1 => a.quantity += 3.0 + step as f64,
                2 => a.supplier = suppliers[step % suppliers.len()].clone(),
                _ => a.stage = if a.stage == Stage::Two { Stage::Three } else { Stage::Two },
            }
            app.apply(&ctx, Command::from(Edit::UpdateAssignment(a)));
            assert_eq!(*cache.rows(&app, &table), visible_rows(&app, &table), "{sort:?} after step {step}");
            let after = all.rows(&app, &unfiltered);
            assert_eq!(*after, visible_rows(&app, &unfiltered), "{sort:?} after step {step}");
            // A quantity edit with the table not sorted by quantity keeps the very same list (no new filter
            // and sort of every row).
            if step % 4 < 2 && sort != SortKey::Quantity {
                assert!(Arc::ptr_eq(&before, &after), "{sort:?}: a quantity edit filtered and sorted again");
            }
        }
    }
}

/// The window with the example plan, the plan table sorted by `sort`; the ids of its rows in display order.
fn table_window(sort: SortKey) -> (egui_kittest::Harness<'static, borderplan::Window>, Vec<String>) {
    let mut h = common::example_window(2);
    h.state_mut().ui.table.sort = sort;
    h.run_steps(3);
    let ids = shown_ids(&h);
    (h, ids)
}

fn shown_ids(h: &egui_kittest::Harness<'static, borderplan::Window>) -> Vec<String> {
    let w = h.state();
    visible_rows(&w.app, &w.ui.table).iter().map(|&i| w.app.plan.assignments[i].id.clone()).collect()
}

fn plan_text(h: &egui_kittest::Harness<'static, borderplan::Window>) -> String {
    borderplan::io::plan_file::to_string(&h.state().app.plan).unwrap()
}

/// Selects the cell's text (the field opens with it selected; Ctrl+A makes sure) and types `text`.
fn type_in_cell(h: &mut egui_kittest::Harness<'static, borderplan::Window>, id: &str, text: &str) {
    use egui_kittest::kittest::Queryable;
    h.get_by_label(&format!("Quantity of {id}")).click();
    h.run_steps(2);
    let label = format!("New quantity of {id}");
    assert!(h.get_by_label(&label).is_focused(), "the clicked cell has the keyboard");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_label(&format!("New quantity of {id}")).type_text(text);
    h.run_steps(1);
}

#[test]
fn a_drag_across_a_quantity_cell_changes_nothing() {
    use egui::{Event, PointerButton};
    use egui_kittest::kittest::Queryable;
    let (mut h, ids) = table_window(SortKey::Km);
    let before = plan_text(&h);
    let start = h.get_by_label(&format!("Quantity of {}", ids[0])).rect().center();
    let modifiers = egui::Modifiers::NONE;
    h.event(Event::PointerMoved(start));
    h.event(Event::PointerButton { pos: start, button: PointerButton::Primary, pressed: true, modifiers });
    h.run_steps(1);
    // Right and down across three rows, in small steps as a hand moves.
    let mut end = start;
    for step in 1..=30 {
        end = start + egui::vec2(4.0 * step as f32, 2.0 * step as f32);
        h.event(Event::PointerMoved(end));
        h.run_steps(1);
    }
    h.event(Event::PointerButton { pos: end, button: PointerButton::Primary, pressed: false, modifiers });
    h.run_steps(3);
    assert_eq!(plan_text(&h), before, "no assignment changed");
    assert!(!h.state().app.history.can_undo(), "no undo step");
    assert!(!h.state().app.dirty);
    assert_eq!(shown_ids(&h), ids, "no row moved");
}

#[test]
fn a_typed_quantity_changes_one_row_on_enter_and_each_commit_is_its_own_named_undo_step() {
    let (mut h, ids) = table_window(SortKey::Quantity);
    // The second row by quantity: typed down to 0 it sorts first after the commit, and stays in view.
    let first = ids[1].clone();
    let old = h.state().app.plan.assignment(&first).unwrap().clone();
    assert!(h.state().app.plan.assignment(&ids[0]).unwrap().quantity > 0.0);
    let before = h.state().app.plan.clone();
    type_in_cell(&mut h, &first, "0");
    // Typed, not committed: the plan and the row order are as they were.
    assert_eq!(h.state().app.plan, before);
    assert_eq!(shown_ids(&h), ids, "rows stay where they are while the cell is edited");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let app = &h.state().app;
    let changed: Vec<&str> =
        app.plan.assignments.iter().filter(|a| before.assignment(&a.id) != Some(*a)).map(|a| a.id.as_str()).collect();
    assert_eq!(changed, [first.as_str()], "exactly one row changed");
    assert_eq!(app.plan.assignment(&first).unwrap().quantity, 0.0);
    let was = borderplan::io::format::fmt_qty(old.quantity);
    assert_eq!(app.history.undo_label(), Some(format!("Set quantity of {first} to 0 (was {was})").as_str()));
    assert!(h.state().ui.table.editing.is_none(), "the cell closed");
    // Sorted by quantity, the row moved to the top after the commit.
    assert_eq!(shown_ids(&h).first(), Some(&first));
    // A second edit of the same row is a second step.
    type_in_cell(&mut h, &first, "2,5");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().app.plan.assignment(&first).unwrap().quantity, 2.5, "a decimal comma is read");
    assert_eq!(h.state().app.history.undo_label(), Some(format!("Set quantity of {first} to 2.5 (was 0)").as_str()));
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    assert_eq!(h.state().app.plan.assignment(&first).unwrap().quantity, 0.0, "one undo takes back one edit");
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    assert_eq!(h.state().app.plan, before);
}

#[test]
fn esc_cancels_a_typed_quantity_and_text_that_is_no_number_is_refused_with_the_reason() {
    use egui_kittest::kittest::Queryable;
    let (mut h, ids) = table_window(SortKey::Km);
    let before = plan_text(&h);
    type_in_cell(&mut h, &ids[1], "42");
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert_eq!(plan_text(&h), before, "Esc changed nothing");
    assert!(h.state().ui.table.editing.is_none());
    assert!(h.query_by_label(&format!("New quantity of {}", ids[1])).is_none(), "the cell shows its number again");
    type_in_cell(&mut h, &ids[1], "twelve");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(plan_text(&h), before);
    let problem = format!("Quantity of {} not changed: “twelve” is not a number (Esc cancels)", ids[1]);
    assert!(h.query_by_label(&problem).is_some(), "the reason is shown above the table");
    assert!(h.state().ui.table.editing.is_some(), "the cell stays open to correct");
}

#[test]
fn enter_on_a_selected_row_edits_its_quantity() {
    use egui_kittest::kittest::Queryable;
    let (mut h, ids) = table_window(SortKey::Km);
    h.state_mut().ui.table.selected_rows.insert(ids[2].clone());
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert!(h.get_by_label(&format!("New quantity of {}", ids[2])).is_focused());
}
