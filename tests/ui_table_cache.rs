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
