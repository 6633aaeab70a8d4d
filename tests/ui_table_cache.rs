//! The plan table filters and sorts once per change of the plan, filters or sort, not once per frame.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::App;
use borderplan::app::Command;
use borderplan::model::{Edit, Stage};
use borderplan::ui::plan_table::{RowCache, SortKey, visible_rows};
use borderplan::ui::state::TableState;
use std::sync::Arc;

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
