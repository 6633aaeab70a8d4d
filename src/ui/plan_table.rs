//! The plan table: one row per assignment; sort, filter, inline edit, delete; rows and map selection follow
//! each other.

use crate::app::selection::SelectMode;
use crate::app::{App, Command};
use crate::io::format::count;
use crate::model::{Assignment, Category, Edit, Stage, Status, Target};
use crate::ui::state::TableState;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Km,
    Id,
    Target,
    Equipment,
    Quantity,
    Stage,
    Supplier,
    Quarter,
    Status,
}

/// What the table's rows depend on besides the plan: filters, sort, and the map selection when the table shows
/// only selected targets.
#[derive(Debug, Clone, PartialEq)]
struct RowKey {
    generation: u64,
    stage: Option<Stage>,
    supplier: Option<String>,
    category: Option<Category>,
    status: Option<Status>,
    text: String,
    only_selected: bool,
    selection: Vec<Target>,
    sort: SortKey,
    descending: bool,
}

impl RowKey {
    fn of(app: &App, t: &TableState) -> Self {
        Self {
            generation: app.generation,
            stage: t.stage,
            supplier: t.supplier.clone(),
            category: t.category,
            status: t.status,
            text: t.text.clone(),
            only_selected: t.only_selected,
            selection: if t.only_selected { app.selection.iter().cloned().collect() } else { Vec::new() },
            sort: t.sort,
            descending: t.descending,
        }
    }
}

/// The table's rows, filtered and sorted once per change of the plan, the filters or the sort (a 50,000-row
/// plan is not filtered and sorted again every frame).
#[derive(Debug, Clone, Default)]
pub struct RowCache {
    key: Option<RowKey>,
    rows: std::sync::Arc<Vec<usize>>,
    /// The plan's suppliers, for the filter (same key).
    suppliers: std::sync::Arc<Vec<String>>,
}

/// A cache is not part of what the table shows: two states with the same filters are equal whatever they cached.
impl PartialEq for RowCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl RowCache {
    /// The rows for the current plan and filters, recomputed only when something they depend on changed.
    pub fn rows(&mut self, app: &App, t: &TableState) -> std::sync::Arc<Vec<usize>> {
        self.refresh(app, t);
        self.rows.clone()
    }

    fn refresh(&mut self, app: &App, t: &TableState) {
        let key = RowKey::of(app, t);
        if self.key.as_ref() == Some(&key) {
            return;
        }
        if let Some(cached) = &self.key
            && edit_keeps_rows(app, t, cached, &key)
        {
            self.key = Some(key);
            return;
        }
        if self.key.as_ref().is_none_or(|k| k.generation != key.generation) {
            let set: std::collections::BTreeSet<&str> =
                app.plan.assignments.iter().map(|a| a.supplier.as_str()).collect();
            self.suppliers = std::sync::Arc::new(set.into_iter().map(str::to_owned).collect());
        }
        self.rows = std::sync::Arc::new(visible_rows(app, t));
        self.key = Some(key);
    }
}

/// Whether the change from `cached` to `key` is only the plan's last edit, and that edit changed an assignment in
/// place without touching what the filters and the sort look at (a quantity edit with the table sorted by km):
/// then the rows stay as they are, instead of filtering and sorting 50,000 rows again.
fn edit_keeps_rows(app: &App, t: &TableState, cached: &RowKey, key: &RowKey) -> bool {
    let Some(edit) = &app.last_row_edit else { return false };
    let only_generation_moved = RowKey { generation: key.generation, ..cached.clone() } == *key;
    if !only_generation_moved || edit.generation != key.generation || cached.generation + 1 != key.generation {
        return false;
    }
    let (b, Some(a)) = (&edit.before, edit.after(&app.plan)) else { return false };
    a.id == b.id
        && a.target == b.target
        && a.equipment_id == b.equipment_id
        && a.stage == b.stage
        && a.supplier == b.supplier
        && a.quarter == b.quarter
        && a.status == b.status
        && a.note == b.note
        && (t.sort != SortKey::Quantity || a.quantity.total_cmp(&b.quantity).is_eq())
}

/// Rows that pass the filters, sorted.
pub fn visible_rows(app: &App, t: &TableState) -> Vec<usize> {
    let plan = &app.plan;
    let q = t.text.to_lowercase();
    let rows: Vec<usize> = plan
        .assignments
        .iter()
        .enumerate()
        .filter(|(_, a)| t.stage.is_none_or(|s| a.stage == s))
        .filter(|(_, a)| t.supplier.as_ref().is_none_or(|s| &a.supplier == s))
        .filter(|(_, a)| t.status.is_none_or(|s| a.status == s))
        .filter(|(_, a)| t.category.is_none_or(|c| plan.catalog.get(&a.equipment_id).is_some_and(|e| e.category == c)))
        .filter(|(_, a)| !t.only_selected || app.selection.contains(&a.target))
        .filter(|(_, a)| {
            q.is_empty()
                || a.id.to_lowercase().contains(&q)
                || a.note.to_lowercase().contains(&q)
                || plan.target_name(&a.target).is_some_and(|n| n.to_lowercase().contains(&q))
                || plan.catalog.get(&a.equipment_id).is_some_and(|e| e.name.to_lowercase().contains(&q))
                || segment_of(app, a).is_some_and(|s| s.to_lowercase().contains(&q))
        })
        .map(|(i, _)| i)
        .collect();
    // Sort keys that need a lookup are computed once per row, not once per comparison.
    // Each target's start km, looked up once per target rather than once per row.
    let mut km_of: std::collections::HashMap<&Target, f64> = std::collections::HashMap::new();
    let mut km = |i: usize| -> f64 {
        let target = &plan.assignments[i].target;
        *km_of.entry(target).or_insert_with(|| plan.target_extent_km(target).map(|e| e.0).unwrap_or(f64::MAX))
    };
    let eq = |a: &Assignment| plan.catalog.get(&a.equipment_id).map(|e| e.name.as_str()).unwrap_or_default();
    let lookup_key: Vec<(f64, Option<&str>)> = match t.sort {
        SortKey::Km => rows.iter().map(|&i| (km(i), None)).collect(),
        SortKey::Target => rows.iter().map(|&i| (0.0, plan.target_name(&plan.assignments[i].target))).collect(),
        SortKey::Equipment => rows.iter().map(|&i| (0.0, Some(eq(&plan.assignments[i])))).collect(),
        _ => Vec::new(),
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&x, &y| {
        let (i, j) = (rows[x], rows[y]);
        let (a, b) = (&plan.assignments[i], &plan.assignments[j]);
        let o = match t.sort {
            SortKey::Km => lookup_key[x].0.total_cmp(&lookup_key[y].0),
            SortKey::Id => a.id.cmp(&b.id),
            SortKey::Target | SortKey::Equipment => lookup_key[x].1.cmp(&lookup_key[y].1),
            SortKey::Quantity => a.quantity.total_cmp(&b.quantity),
            SortKey::Stage => a.stage.cmp(&b.stage),
            SortKey::Supplier => a.supplier.cmp(&b.supplier),
            SortKey::Quarter => a.quarter.cmp(&b.quarter),
            SortKey::Status => a.status.cmp(&b.status),
        }
        // Equal keys keep plan order (an integer comparison: with 50,000 rows on ~100 targets, most km
        // comparisons are ties).
        .then_with(|| i.cmp(&j));
        if t.descending { o.reverse() } else { o }
    });
    order.into_iter().map(|x| rows[x]).collect()
}

fn segment_of<'a>(app: &'a App, a: &'a Assignment) -> Option<&'a str> {
    match &a.target {
        Target::Segment(id) => Some(id.as_str()),
        Target::Outpost(id) => app.plan.outpost(id).map(|o| o.segment_id.as_str()),
    }
}

/// Height of a table row and of the header, points: eight rows and the controls fit the default plan panel.
pub const ROW_HEIGHT_PX: f32 = 20.0;
const HEADER_HEIGHT_PX: f32 = 20.0;
/// Shown before the id of an assignment with a rule error.
pub const VIOLATION_MARK: &str = "!";

pub fn plan_table_ui(app: &App, table: &mut TableState, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let mut cache = std::mem::take(&mut table.rows_cache);
    let rows = cache.rows(app, table);
    let suppliers = cache.suppliers.clone();
    table.rows_cache = cache;
    // Two lines of controls (filters; then the row count and Delete), so the rows keep the panel's height.
    filters_ui(table, &suppliers, ui);
    ui.horizontal(|ui| {
        ui.checkbox(&mut table.only_selected, "Only selected targets");
        if ui.small_button("Reset").on_hover_text("Clear the filters (the sort stays)").clicked() {
            let sort = (table.sort, table.descending);
            *table = Default::default();
            (table.sort, table.descending) = sort;
        }
        ui.separator();
        ui.label(format!("{} of {}", rows.len(), count(app.plan.assignments.len(), "assignment", "assignments")));
        let sel: Vec<String> = table.selected_rows.iter().cloned().collect();
        if ui
            .add_enabled(
                !sel.is_empty(),
                egui::Button::new(format!("Delete {}", count(sel.len(), "row", "rows"))).small(),
            )
            .clicked()
        {
            out.push(Command::from(Edit::RemoveAssignments(sel)));
            table.selected_rows.clear();
        }
    });
    let header = |ui: &mut Ui, table: &mut TableState, key: SortKey, label: &str| {
        let arrow = if table.sort == key { if table.descending { " v" } else { " ^" } } else { "" };
        if ui.button(RichText::new(format!("{label}{arrow}")).strong()).clicked() {
            if table.sort == key {
                table.descending = !table.descending;
            } else {
                table.sort = key;
                table.descending = false;
            }
        }
    };
    start_editing_on_enter(app, table, ui);
    if let Some(problem) = table.editing.as_ref().and_then(|e| e.problem.as_ref()) {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    let mut updates: Vec<Assignment> = Vec::new();
    let mut clicked_row: Option<(usize, bool)> = None;
    let violations = &app.derived.violations.assignments;
    let error_color = ui.visuals().error_fg_color;
    // Initial widths share the space between the side panels, so every column is readable without scrolling
    // sideways; the planner's own widths are kept (egui_extras stores them, persisted with the window).
    let spacing = ui.spacing().item_spacing.x;
    let width = (ui.available_width() - 10.0 * spacing - 12.0).max(560.0);
    // Narrow columns get what their content needs ("2026-Q3", "delivered" with the combo arrow); the text
    // columns share the rest.
    let fixed = [50.0, 44.0, 40.0, 50.0, 66.0, 84.0, 92.0];
    let rest = (width - fixed.iter().sum::<f32>()).max(240.0);
    let share = |f: f32| (rest * f).round();
    // Cells never wrap: one line per row, the full text on hover.
    let clipped = |w: f32, min: f32| Column::initial(w).at_least(min).clip(true);
    // The table takes the panel's height and no more: the planner's panel size holds whatever the rows are.
    let body_height = (ui.available_height() - HEADER_HEIGHT_PX - 4.0).max(ROW_HEIGHT_PX);
    ui.spacing_mut().item_spacing.y = 1.0;
    egui::ScrollArea::horizontal().id_salt("plan_table_sideways").auto_shrink([false, true]).show(ui, |ui| {
        TableBuilder::new(ui)
            .id_salt("plan_table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .min_scrolled_height(0.0)
            .max_scroll_height(body_height)
            .column(clipped(fixed[0], 44.0))
            .column(clipped(share(0.32), 60.0))
            .column(clipped(fixed[1], 36.0))
            .column(clipped(share(0.36), 60.0))
            .column(clipped(fixed[2], 36.0))
            .column(clipped(fixed[3], 40.0))
            .column(clipped(fixed[4], 50.0))
            .column(clipped(fixed[5], 70.0))
            .column(clipped(fixed[6], 80.0))
            .column(Column::remainder().at_least(60.0).clip(true))
            .header(HEADER_HEIGHT_PX, |mut h| {
                h.col(|ui| header(ui, table, SortKey::Id, "Id"));
                h.col(|ui| header(ui, table, SortKey::Target, "Target"));
                h.col(|ui| header(ui, table, SortKey::Km, "km"));
                h.col(|ui| header(ui, table, SortKey::Equipment, "Equipment"));
                h.col(|ui| header(ui, table, SortKey::Quantity, "Qty"));
                h.col(|ui| header(ui, table, SortKey::Stage, "Stage"));
                h.col(|ui| header(ui, table, SortKey::Supplier, "Supplier"));
                h.col(|ui| header(ui, table, SortKey::Quarter, "Quarter"));
                h.col(|ui| header(ui, table, SortKey::Status, "Status"));
                h.col(|ui| {
                    ui.strong("Note");
                });
            })
            .body(|body| {
                let (selected_rows, editing) = (&table.selected_rows, &mut table.editing);
                body.rows(ROW_HEIGHT_PX, rows.len(), |mut row| {
                    let i = rows[row.index()];
                    let Some(a) = app.plan.assignments.get(i) else { return };
                    let mut edited = a.clone();
                    let selected = selected_rows.contains(&a.id) || app.selection.contains(&a.target);
                    row.set_selected(selected);
                    let plan = &app.plan;
                    row.col(|ui| {
                        // A rule error on the row: the same mark as the legend's, with the findings on hover.
                        ui.horizontal(|ui| {
                            ui.spacing_mut().item_spacing.x = 3.0;
                            if let Some(messages) = violations.get(&a.id) {
                                ui.label(RichText::new(VIOLATION_MARK).color(error_color).strong())
                                    .on_hover_text(messages.join("\n"));
                            }
                            ui.add(egui::Label::new(&a.id).truncate());
                        });
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(plan.target_name(&a.target).unwrap_or(a.target.id())).truncate())
                            .on_hover_text(format!("{} {}", a.target.kind(), a.target.id()));
                    });
                    row.col(|ui| {
                        let (f, t) = plan.target_extent_km(&a.target).unwrap_or((0.0, 0.0));
                        ui.add(
                            egui::Label::new(if (t - f).abs() < 1e-9 {
                                format!("{f:.1}")
                            } else {
                                format!("{f:.0}–{t:.0}")
                            })
                            .truncate(),
                        );
                    });
                    row.col(|ui| {
                        let name = plan
                            .catalog
                            .get(&a.equipment_id)
                            .map(|e| e.name.as_str())
                            .unwrap_or(a.equipment_id.as_str());
                        ui.add(egui::Label::new(name).truncate());
                    });
                    row.col(|ui| {
                        if let Some(q) = quantity_cell_ui(a, editing, ui) {
                            edited.quantity = q;
                        }
                    });
                    row.col(|ui| {
                        ui.colored_label(crate::map::style::stage_color(Some(a.stage)), a.stage.number().to_string());
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(&a.supplier).truncate());
                    });
                    row.col(|ui| {
                        let (q0, q1) = a.stage.window();
                        egui::ComboBox::from_id_salt(("q", &a.id))
                            .selected_text(a.quarter.to_string())
                            .width(ui.available_width().max(40.0))
                            .truncate()
                            .show_ui(ui, |ui| {
                                for q in q0.range_to(q1) {
                                    ui.selectable_value(&mut edited.quarter, q, q.to_string());
                                }
                            })
                            .response
                            .on_hover_text(format!("Delivery quarter of {}", a.id));
                    });
                    row.col(|ui| {
                        egui::ComboBox::from_id_salt(("s", &a.id))
                            .selected_text(a.status.label())
                            .width(ui.available_width().max(40.0))
                            .truncate()
                            .show_ui(ui, |ui| {
                                for s in Status::ALL {
                                    ui.selectable_value(&mut edited.status, s, s.label());
                                }
                            })
                            .response
                            .on_hover_text(format!("Status of {}", a.id));
                    });
                    row.col(|ui| {
                        // One line; the whole note on hover.
                        let r = ui.add(egui::Label::new(&a.note).truncate());
                        if !a.note.is_empty() {
                            r.on_hover_text(&a.note);
                        }
                    });
                    if &edited != a {
                        updates.push(edited);
                    }
                    if row.response().clicked() {
                        let add = row.response().ctx.input(|i| i.modifiers.shift || i.modifiers.command);
                        clicked_row = Some((i, add));
                    }
                });
            });
    });
    for u in updates {
        out.push(Command::from(Edit::UpdateAssignment(u)));
    }
    if let Some((i, add)) = clicked_row
        && let Some(a) = app.plan.assignments.get(i)
    {
        if !add {
            table.selected_rows.clear();
        }
        table.selected_rows.insert(a.id.clone());
        out.push(Command::select(vec![a.target.clone()], if add { SelectMode::Add } else { SelectMode::Replace }));
    }
    out
}

/// A typed quantity: a number from 0 to 100,000 (a decimal comma is read as a point).
pub fn parse_quantity(text: &str) -> Result<f64, String> {
    let t = text.trim().replace(',', ".");
    match t.parse::<f64>() {
        Ok(q) if q.is_finite() && (0.0..=100_000.0).contains(&q) => Ok(q),
        Ok(_) => Err(format!("“{}” is out of range: a quantity is 0 to 100,000", text.trim())),
        Err(_) => Err(format!("“{}” is not a number", text.trim())),
    }
}

/// Enter with one row selected and nothing else listening to the keyboard edits that row's quantity.
fn start_editing_on_enter(app: &App, table: &mut TableState, ui: &Ui) {
    if table.editing.is_some() || !table.keyboard_free || table.selected_rows.len() != 1 {
        return;
    }
    if !ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.is_none()) {
        return;
    }
    if let Some(a) = table.selected_rows.first().and_then(|id| app.plan.assignment(id)) {
        table.editing = Some(crate::ui::state::CellEdit::quantity_of(a));
    }
}

/// The quantity cell: the number, which a click (or Enter on the selected row) turns into a text field. Enter
/// (or clicking elsewhere) commits the typed number, Esc cancels; a drag changes nothing. Returns the committed
/// quantity when it differs.
fn quantity_cell_ui(a: &Assignment, editing: &mut Option<crate::ui::state::CellEdit>, ui: &mut Ui) -> Option<f64> {
    let Some(edit) = editing.as_mut().filter(|e| e.id == a.id) else {
        let r = ui
            .add(egui::Button::new(crate::io::format::fmt_qty(a.quantity)).frame(false).truncate())
            .on_hover_text(format!("Quantity of {}: click to type a new one", a.id))
            .accessible_name(format!("Quantity of {}", a.id));
        if r.clicked() {
            *editing = Some(crate::ui::state::CellEdit::quantity_of(a));
        }
        return None;
    };
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut edit.text)
                .desired_width(ui.available_width())
                .margin(egui::Margin::symmetric(2, 0)),
        )
        .on_hover_text(format!("Quantity of {}: Enter sets it, Esc cancels", a.id))
        .accessible_name(format!("New quantity of {}", a.id));
    let esc = |i: &egui::InputState| {
        i.raw.events.iter().any(|e| matches!(e, egui::Event::Key { key: egui::Key::Escape, pressed: true, .. }))
    };
    if ui.input(esc) {
        // Esc is seen in the frame it is pressed, from the raw events (the window's own Esc may have consumed the
        // key, and the field reports the keyboard lost only a frame later).
        *editing = None;
        return None;
    }
    if !edit.focused {
        // The keyboard goes to the field with the number selected: typing replaces it.
        field.request_focus();
        if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), field.id) {
            state.cursor.set_char_range(Some(egui::text::CCursorRange::select_all_str(&edit.text)));
            state.store(ui.ctx(), field.id);
        }
        edit.focused = true;
    }
    if !field.lost_focus() {
        return None;
    }
    match parse_quantity(&edit.text) {
        Ok(q) => {
            *editing = None;
            (q != a.quantity).then_some(q)
        }
        Err(e) => {
            edit.problem = Some(format!("Quantity of {} not changed: {e} (Esc cancels)", a.id));
            edit.focused = false;
            None
        }
    }
}

fn filters_ui(t: &mut TableState, suppliers: &[String], ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.spacing_mut().combo_width = 96.0;
        ui.label("Filter:");
        egui::ComboBox::from_id_salt("f_stage")
            .selected_text(t.stage.map(|s| s.to_string()).unwrap_or_else(|| "All stages".into()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut t.stage, None, "All stages");
                for s in Stage::DEPLOYMENT {
                    ui.selectable_value(&mut t.stage, Some(s), s.to_string());
                }
            })
            .response
            .on_hover_text("Filter by stage");
        egui::ComboBox::from_id_salt("f_supplier")
            .selected_text(t.supplier.clone().unwrap_or_else(|| "All suppliers".into()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut t.supplier, None, "All suppliers");
                for s in suppliers {
                    ui.selectable_value(&mut t.supplier, Some(s.clone()), s);
                }
            })
            .response
            .on_hover_text("Filter by supplier");
        egui::ComboBox::from_id_salt("f_cat")
            .selected_text(t.category.map(|c| c.label()).unwrap_or("All categories"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut t.category, None, "All categories");
                for c in Category::ALL {
                    ui.selectable_value(&mut t.category, Some(c), c.label());
                }
            })
            .response
            .on_hover_text("Filter by category");
        egui::ComboBox::from_id_salt("f_status")
            .selected_text(t.status.map(|s| s.label()).unwrap_or("All statuses"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut t.status, None, "All statuses");
                for s in Status::ALL {
                    ui.selectable_value(&mut t.status, Some(s), s.label());
                }
            })
            .response
            .on_hover_text("Filter by status");
        ui.add(
            egui::TextEdit::singleline(&mut t.text).hint_text("segment, target, equipment, note…").desired_width(150.0),
        );
    });
}
