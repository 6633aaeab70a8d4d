#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real app driven through egui_kittest: clicks on the map, keyboard, panels.

use borderplan::app::selection::Selection;
use borderplan::model::Target;
use borderplan::{App, Window};
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;

fn harness() -> Harness<'static, Window> {
    common::example_window(4)
}

/// A click with modifier keys held down before and released after, as a person does it.
fn click(h: &mut Harness<'static, Window>, pos: Pos2, modifiers: Modifiers) {
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(pos));
    h.run_steps(1);
    h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed: true, modifiers });
    h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed: false, modifiers });
    h.run_steps(2);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    // Let the double-click window pass: the next click is a new click, not a double click (which zooms).
    h.run_steps(4);
}

/// A point on the segment, far (on screen) from every outpost, so the click hits the line.
fn segment_click_point(app: &App, id: &str) -> Pos2 {
    let s = app.plan.segments.get(id).expect("segment exists");
    let mut best = (0.0_f32, Pos2::ZERO);
    for k in 1..20 {
        let km = s.from_km + s.length_km() * f64::from(k) / 20.0;
        let p = app.plan.border.point_at_km(km);
        let sp = app.screen_pos(p.x(), p.y());
        let clearance = app
            .plan
            .outposts
            .iter()
            .map(|o| app.screen_pos(o.position.x(), o.position.y()).distance(sp))
            .fold(f32::INFINITY, f32::min);
        if clearance > best.0 {
            best = (clearance, sp);
        }
    }
    assert!(best.0 > 12.0, "no clear spot on {id}: best {:.1} px", best.0);
    best.1
}

/// Segments with a spot on screen at least 12 px from every outpost (so a click there hits the segment), in plan
/// order, from the `skip`-th segment on.
fn clear_segments(app: &App, skip: usize) -> Vec<String> {
    app.plan
        .segments
        .segments()
        .iter()
        .skip(skip)
        .filter(|s| {
            (1..20).any(|k| {
                let p = app.plan.border.point_at_km(s.from_km + s.length_km() * f64::from(k) / 20.0);
                let sp = app.screen_pos(p.x(), p.y());
                app.map_rect.shrink(20.0).contains(sp)
                    && app
                        .plan
                        .outposts
                        .iter()
                        .all(|o| app.screen_pos(o.position.x(), o.position.y()).distance(sp) > 12.0)
            })
        })
        .map(|s| s.id.clone())
        .collect()
}

fn outpost_pos(app: &App, id: &str) -> Pos2 {
    let o = app.plan.outpost(id).expect("outpost exists");
    app.screen_pos(o.position.x(), o.position.y())
}

#[test]
fn the_window_starts_framed_on_the_whole_border() {
    let h = harness();
    let app = &h.state().app;
    let b = app.border_bounds();
    for (lon, lat) in [(b[0], b[1]), (b[2], b[3])] {
        let p = app.screen_pos(lon, lat);
        assert!(app.map_rect.expand(1.0).contains(p), "{lon},{lat} at {p:?} outside {:?}", app.map_rect);
    }
}

#[test]
fn clicking_a_segment_selects_it_shift_click_adds_and_escape_clears() {
    let mut h = harness();
    let clear = clear_segments(&h.state().app, 5);
    let (first, second) = (clear[0].clone(), clear[clear.len() / 2].clone());
    let p1 = segment_click_point(&h.state().app, &first);
    click(&mut h, p1, Modifiers::NONE);
    assert_eq!(h.state().app.selection.iter().cloned().collect::<Vec<_>>(), vec![Target::Segment(first.clone())]);

    let p2 = segment_click_point(&h.state().app, &second);
    click(&mut h, p2, Modifiers::SHIFT);
    let sel: Vec<Target> = h.state().app.selection.iter().cloned().collect();
    assert_eq!(sel, vec![Target::Segment(first.clone()), Target::Segment(second.clone())]);

    // Ctrl-click toggles one off again (positions are recomputed: panels may have changed the map's size).
    let p1 = segment_click_point(&h.state().app, &first);
    click(&mut h, p1, Modifiers::CTRL);
    let sel: Vec<Target> = h.state().app.selection.iter().cloned().collect();
    assert_eq!(sel, vec![Target::Segment(second)]);

    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().app.selection.is_empty());
}

#[test]
fn clicking_an_outpost_selects_the_outpost_not_the_line_under_it() {
    let mut h = harness();
    let p = outpost_pos(&h.state().app, "OP-05");
    click(&mut h, p, Modifiers::NONE);
    assert!(h.state().app.selection.contains(&Target::Outpost("OP-05".into())));
    assert_eq!(h.state().app.selection.len(), 1);
}

#[test]
fn clicking_empty_map_clears_the_selection() {
    let mut h = harness();
    let p = outpost_pos(&h.state().app, "OP-05");
    click(&mut h, p, Modifiers::NONE);
    assert!(!h.state().app.selection.is_empty());
    // Far north of the border, inside the map.
    let r = h.state().app.map_rect;
    click(&mut h, Pos2::new(r.center().x, r.top() + 30.0), Modifiers::NONE);
    assert!(h.state().app.selection.is_empty());
}

#[test]
fn hiding_the_outpost_layer_makes_outposts_unclickable() {
    let mut h = harness();
    h.get_by_label("Outposts (sample)").click();
    h.run_steps(2);
    assert!(!h.state().app.settings.overlays.outposts);
    let p = outpost_pos(&h.state().app, "OP-05");
    click(&mut h, p, Modifiers::NONE);
    assert!(!h.state().app.selection.contains(&Target::Outpost("OP-05".into())));
}

#[test]
fn shift_drag_selects_the_outposts_inside_the_box() {
    let mut h = harness();
    // A box around OP-03…OP-06 (whatever else falls inside counts too).
    let a = outpost_pos(&h.state().app, "OP-03");
    let r = ["OP-03", "OP-04", "OP-05", "OP-06"]
        .iter()
        .map(|id| outpost_pos(&h.state().app, id))
        .fold(egui::Rect::NOTHING, |r, p| r.union(egui::Rect::from_center_size(p, egui::Vec2::ZERO)))
        .expand(6.0);
    // Expected: every outpost whose marker centre is inside the box.
    let app = &h.state().app;
    let mut expected: Vec<Target> = app
        .plan
        .outposts
        .iter()
        .filter(|o| r.contains(app.screen_pos(o.position.x(), o.position.y())))
        .map(|o| Target::Outpost(o.id.clone()))
        .collect();
    expected.sort();
    assert!(expected.len() >= 3, "{expected:?}");
    let shift = Modifiers::SHIFT;
    h.event(Event::ModifiersChanged(shift));
    h.event(Event::PointerMoved(r.left_top()));
    h.run_steps(1);
    h.event(Event::PointerButton {
        pos: r.left_top(),
        button: PointerButton::Primary,
        pressed: true,
        modifiers: shift,
    });
    h.run_steps(1);
    for k in 1..=5 {
        let p = r.left_top() + (r.right_bottom() - r.left_top()) * (k as f32 / 5.0);
        h.event(Event::PointerMoved(p));
        h.run_steps(1);
    }
    h.event(Event::PointerButton {
        pos: r.right_bottom(),
        button: PointerButton::Primary,
        pressed: false,
        modifiers: shift,
    });
    h.run_steps(2);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(1);
    let got: Vec<Target> = h.state().app.selection.outposts().map(|id| Target::Outpost(id.to_owned())).collect();
    assert_eq!(got, expected);
    // The map did not pan while box-selecting.
    assert_eq!(outpost_pos(&h.state().app, "OP-03"), a);
}

#[test]
fn the_km_range_action_selects_the_segments_and_outposts_in_range() {
    let mut h = harness();
    h.get_by_label("Select km range…").click();
    h.run_steps(2);
    h.get_by_label("Select").click();
    h.run_steps(2);
    let app = &h.state().app;
    let mut expected = Selection::targets_in_km_range(&app.plan, 0.0, 100.0);
    expected.sort();
    let got: Vec<Target> = app.selection.iter().cloned().collect();
    assert_eq!(got, expected);
    assert!(got.iter().any(|t| matches!(t, Target::Segment(_))));
    assert!(got.iter().any(|t| matches!(t, Target::Outpost(_))));
    assert!(got.iter().all(|t| app.plan.target_extent_km(t).is_some_and(|(a, b)| a < 100.0 && b >= 0.0)));
}

#[test]
fn assigning_to_two_segments_adds_two_rows_that_undo_removes_and_redo_restores() {
    let mut h = harness();
    let before = h.state().app.plan.assignments.len();
    // Two segments without equipment yet, so the two new rows are the only ones on them.
    let app = &h.state().app;
    let clear: Vec<String> = clear_segments(app, 0)
        .into_iter()
        .filter(|id| app.plan.assignments_for(&Target::Segment(id.clone())).count() == 0)
        .collect();
    let (a, b) = (clear[0].clone(), clear[1].clone());
    let p1 = segment_click_point(&h.state().app, &a);
    click(&mut h, p1, Modifiers::NONE);
    let p2 = segment_click_point(&h.state().app, &b);
    click(&mut h, p2, Modifiers::SHIFT);
    assert_eq!(h.state().app.selection.len(), 2);
    h.get_by_label("Stage 3 (2027–2029)").click();
    h.run_steps(2);
    h.get_by_label("Assign to 2 selected").click();
    h.run_steps(2);
    let app = &h.state().app;
    assert_eq!(app.plan.assignments.len(), before + 2);
    let new: Vec<_> = app.plan.assignments[before..].iter().map(|a| a.target.clone()).collect();
    assert_eq!(new, vec![Target::Segment(a), Target::Segment(b)]);
    // The table shows them: filter to the selected targets.
    h.state_mut().ui.table.only_selected = true;
    h.run_steps(2);
    let rows = borderplan::ui::plan_table::visible_rows(&h.state().app, &h.state().ui.table);
    assert_eq!(rows.len(), 2);
    let id = h.state().app.plan.assignments[before].id.clone();
    assert!(h.query_by_label(&id).is_some(), "row {id} is shown in the table");

    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().app.plan.assignments.len(), before);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().app.plan.assignments.len(), before + 2);
}

#[test]
fn every_input_in_the_main_window_has_an_accessible_name() {
    let mut h = harness();
    // With a segment selected the segment tools and the assignment form are shown too.
    let first = clear_segments(&h.state().app, 5).remove(0);
    let p = segment_click_point(&h.state().app, &first);
    click(&mut h, p, Modifiers::NONE);
    assert_eq!(h.state().app.selection.len(), 1);
    let unnamed = h.unnamed_widgets();
    assert!(unnamed.is_empty(), "{unnamed:#?}");
    // The table's editors are named after their row, so a screen reader (and a test) can find them.
    assert!(h.query_by_label("Quantity of A-0001").is_some());
}

#[test]
fn the_plan_table_does_not_push_the_bottom_panel_past_its_default_height() {
    let mut h = harness();
    h.state_mut().app.settings.bottom_tab = borderplan::app::settings::BottomTab::Table;
    h.run_steps(4);
    // 900-px window: menu bar, status bar and the 290-px plan panel (eight table rows) leave the map over 540 px;
    // the table scrolls inside the panel instead of claiming more for itself.
    let map = h.state().app.map_rect;
    let panel = borderplan::window::PLAN_PANEL_DEFAULT_PX;
    assert!(map.height() > 540.0 && map.bottom() + panel <= 900.0 - 20.0, "map {map:?}");
    assert!(h.query_all_by_label("Ground surveillance radar").next().is_some(), "table rows are shown");
}

#[test]
fn the_plan_panel_stays_between_the_side_panels_and_its_wide_table_scrolls_sideways() {
    // The harness keeps the root ui's id to find the panels' stored rectangles.
    let app = App::for_tests().expect("the app starts");
    let mut h = Harness::builder().with_size([1400.0, 900.0]).with_max_steps(30).with_step_dt(0.1).build_ui_state(
        |ui, state: &mut (Window, Option<egui::Id>)| {
            state.1 = Some(ui.scope_id());
            state.0.show(ui);
        },
        (Window::new(app), None),
    );
    h.state_mut().0.app.settings.bottom_tab = borderplan::app::settings::BottomTab::Table;
    h.run_steps(4);
    let root = h.state().1.expect("a frame ran");
    let panel = |name: &str| {
        egui::PanelState::load(&h.ctx, root.with_salt(egui::IdSalt::new(name))).expect("the panel was shown").outer_rect
    };
    let (bottom, right) = (panel("plan_panel"), panel("details"));
    // Ten table columns are wider than the space between the side panels; the panel must not grow under the
    // right panel (where its last columns could be neither seen nor reached) but scroll sideways.
    assert!(bottom.right() <= right.left() + 1.0, "plan panel {bottom:?} runs under the right panel {right:?}");
    assert!(
        h.query_all_by_label("Status").count() >= 2,
        "the table still has its Status column (and the form its field)"
    );
}
