//! Floating windows and modals: unsaved-changes guard, crash recovery, km range, equipment catalog,
//! attribute table, "use as outposts", plan details, shortcuts, about.

use crate::app::{App, Command, FileCommand, GuardAnswer, PlanCommand, SelectCommand, SettingChange, ViewCommand};
use crate::io::format::count;
use crate::model::{Category, Edit, EquipmentType};
use crate::ui::state::WindowsState;
use egui::{Context, RichText};
use egui_extras::{Column, TableBuilder};

/// A floating window that opens inside the map area (not over the menu bar or the panels) and stays inside it.
pub(super) fn map_window<'a>(app: &App, title: impl Into<egui::WidgetText>, offset: f32) -> egui::Window<'a> {
    let area = app.map_rect;
    egui::Window::new(title).default_pos(area.left_top() + egui::vec2(24.0 + offset, 24.0 + offset)).constrain_to(area)
}

/// Every shortcut of the window (src/window.rs) and of the map, as shown in Help › Keyboard shortcuts.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Click", "select segment or outpost; on an imported feature, show its properties"),
    ("Shift+click", "add to selection"),
    ("Ctrl+click", "toggle in selection"),
    ("Shift+drag", "box select"),
    ("Drag", "pan the map"),
    ("Double-click", "zoom in there"),
    ("Right-click border", "split segment here / merge / select"),
    ("Esc", "clear selection / end measuring"),
    ("F", "zoom to border"),
    ("Z", "zoom to selection"),
    ("+ / = / −", "zoom in / out"),
    ("Mouse wheel", "zoom in / out about the cursor (two notches double the scale)"),
    ("Ctrl+wheel / pinch", "zoom in / out (touchpad)"),
    ("Arrow keys", "pan"),
    ("M", "measure tool"),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "redo"),
    ("Ctrl+N / Ctrl+O / Ctrl+S", "new / open / save"),
    ("Ctrl+Shift+S", "save as"),
    ("Ctrl+I", "import layer"),
    ("Shift+click / Ctrl+click row", "add a plan-table row to the selection"),
    ("↑ / ↓ in search", "move through the hits"),
    ("Enter in search", "go to the chosen hit (a km pins the border point, a place or position its pin)"),
    ("Ctrl+G", "go to a coordinate (decimal, DMS, MGRS, UTM, Gauss–Krüger)"),
    ("Right-click map", "copy the position there in any format"),
];

pub fn windows_ui(app: &App, state: &mut WindowsState, ctx: &Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    out.extend(guard_ui(app, ctx));
    out.extend(super::goto_dialog::goto_dialog_ui(app, &mut state.goto, ctx));
    out.extend(super::sheet_dialog::sheet_dialog_ui(app, &mut state.sheet, ctx));
    out.extend(super::table_chooser::table_chooser_ui(app, &mut state.table_chooser, ctx));
    if let Some(p) = app.recovery_offer.clone() {
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.heading("Recover unsaved work?");
            let info = app.recovery_info.clone().unwrap_or_default();
            let plan = match &info.plan_path {
                Some(path) => format!("to {}", path.display()),
                None => "to a plan that was never saved".to_owned(),
            };
            let when = if info.autosaved_at.is_empty() {
                String::new()
            } else {
                format!(", last autosaved {}", info.autosaved_at)
            };
            ui.label(format!(
                "borderplan found unsaved changes {plan}{when}, from an earlier session that did not end \
                 normally.\nRecovery file: {}",
                p.display()
            ));
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Recover").strong()).clicked() {
                    out.push(Command::File(FileCommand::Recover));
                }
                if ui.button("Discard").clicked() {
                    out.push(Command::File(FileCommand::DiscardRecovery));
                }
            });
        });
    }
    out.extend(rebase_ui(app, ctx));
    out.extend(online_tiles_ui(app, ctx));
    out.extend(crate::ui::terrain_panel::terrain_notice_ui(app, ctx));
    if let Some((mut a, mut b)) = state.km_range {
        let mut open = true;
        let mut done = false;
        map_window(app, "Select km range", 0.0).open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            let len = app.plan.border.length_km();
            ui.horizontal(|ui| {
                ui.label("From km");
                ui.add(egui::DragValue::new(&mut a).range(0.0..=len).speed(1.0)).on_hover_text("From km");
                ui.label("to km");
                ui.add(egui::DragValue::new(&mut b).range(0.0..=len).speed(1.0)).on_hover_text("To km");
            });
            if ui.button("Select").clicked() {
                out.push(SelectCommand::KmRange { from_km: a, to_km: b }.into());
                done = true;
            }
        });
        state.km_range = if open && !done { Some((a, b)) } else { None };
    }
    if state.catalog_open {
        let mut open = true;
        map_window(app, "Equipment catalog", 10.0)
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| out.extend(catalog_ui(app, &mut state.catalog_edit, ui)));
        state.catalog_open = open;
    }
    if let Some(li) = state.attribute_table {
        let mut open = true;
        let title = app.layers.get(li).map(|l| format!("Attributes — {}", l.name)).unwrap_or_default();
        if app.layers.get(li).is_none() {
            state.attribute_table = None;
        } else {
            map_window(app, title, 20.0)
                .open(&mut open)
                .default_size([640.0, 360.0])
                .show(ctx, |ui| out.extend(attribute_table_ui(app, li, &mut state.attribute_sort, ui)));
            if !open {
                state.attribute_table = None;
            }
        }
    }
    if let Some((li, mut prop)) = state.use_as_outposts.clone() {
        let mut open = true;
        let mut done = false;
        map_window(app, "Use layer as outposts", 0.0).open(&mut open).collapsible(false).show(ctx, |ui| {
            let Some(layer) = app.layers.get(li) else { return };
            ui.label(format!("Replace the {} outposts with the points of {}.", app.plan.outposts.len(), layer.name));
            egui::ComboBox::from_label("Name property").selected_text(prop.clone()).show_ui(ui, |ui| {
                for p in &layer.stats.property_names {
                    ui.selectable_value(&mut prop, p.clone(), p);
                }
            });
            ui.weak("Assignments to outposts that no longer exist are removed; Ctrl+Z brings everything back.");
            if ui.button("Replace outposts").clicked() {
                out.push(PlanCommand::UseLayerAsOutposts { layer: li, name_property: prop.clone() }.into());
                done = true;
            }
        });
        state.use_as_outposts = if open && !done { Some((li, prop)) } else { None };
    }
    if state.meta_open {
        let mut open = true;
        let mut meta = app.plan.meta.clone();
        map_window(app, "Plan details", 10.0).open(&mut open).show(ctx, |ui| {
            egui::Grid::new("meta").num_columns(2).show(ui, |ui| {
                ui.label("Title");
                ui.add(egui::TextEdit::singleline(&mut meta.title).hint_text("Title"));
                ui.end_row();
                ui.label("Author");
                ui.add(egui::TextEdit::singleline(&mut meta.author).hint_text("Author"));
                ui.end_row();
                ui.label("Created");
                ui.label(&meta.created);
                ui.end_row();
                ui.label("Modified");
                ui.label(&meta.modified);
                ui.end_row();
            });
            if ui.button("Apply").clicked() && meta != app.plan.meta {
                out.push(Command::from(Edit::SetMeta(meta.clone())));
            }
        });
        state.meta_open = open;
    }
    if state.shortcuts_open {
        let mut open = true;
        let height = (app.map_rect.height() - 80.0).max(160.0);
        map_window(app, "Keyboard shortcuts", 30.0)
            .open(&mut open)
            .collapsible(false)
            .vscroll(true)
            .max_height(height)
            .show(ctx, |ui| {
                egui::Grid::new("keys").striped(true).show(ui, |ui| {
                    for (k, what) in SHORTCUTS {
                        ui.monospace(*k);
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            });
        state.shortcuts_open = open;
    }
    if state.about_open {
        let mut open = true;
        map_window(app, "About borderplan", 30.0).open(&mut open).collapsible(false).show(ctx, |ui| {
            ui.heading(format!("borderplan {}", env!("CARGO_PKG_VERSION")));
            ui.label("Planning the rollout of equipment along the Tajikistan–Afghanistan border: stage 2 (2026–27) at selected outposts, stage 3 (2027–29) along the entire frontier.");
            ui.label(format!("Border: {} (the derived border file is ODbL, separate from the code's licence).", crate::io::bundled::BORDER_ATTRIBUTION));
            let s = &app.derived.summary;
            ui.label(format!("Border length {:.1} km in the data, {:.0} km official. {}", s.border_length_km, s.official_length_km, s.length_note));
            ui.label("Provinces: Natural Earth (public domain), fitted to the OpenStreetMap country outlines (ODbL). Rivers: CIA World Data Bank II. Lakes: GSHHG (LGPL). Towns and crossings: GeoNames, CC BY 4.0. Outposts are illustrative samples, not real positions.");
        });
        state.about_open = open;
    }
    out
}

/// Before the first online tile is fetched: what the tile server learns, and the planner's choice.
fn online_tiles_ui(app: &App, ctx: &Context) -> Vec<Command> {
    use crate::prefs::{BasemapChoice, OnlineTiles};
    let mut out: Vec<Command> = Vec::new();
    if !app.online_tiles_notice {
        return out;
    }
    egui::Window::new("Online basemap")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
        .show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.label(
                "The OpenStreetMap basemap downloads map tiles from tile.openstreetmap.org. The tile server \
                 learns which area you view, at which zoom, and from which network address. Nothing of the plan \
                 is sent. Everything else in borderplan works offline.",
            );
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Use OpenStreetMap tiles").strong()).clicked() {
                    out.push(ViewCommand::Setting(SettingChange::OnlineTiles(OnlineTiles::Allowed)).into());
                    out.push(ViewCommand::SetBasemap(BasemapChoice::OpenStreetMap).into());
                }
                if ui.button("Stay offline").clicked() {
                    out.push(ViewCommand::Setting(SettingChange::OnlineTiles(OnlineTiles::NotAsked)).into());
                }
                if ui.button("Never use online tiles").on_hover_text("Can be allowed again in the View menu").clicked()
                {
                    out.push(ViewCommand::Setting(SettingChange::OnlineTiles(OnlineTiles::Disabled)).into());
                }
            });
        });
    out
}

/// The offer to move a plan made on another border line onto the bundled one, and the report of what moved.
fn rebase_ui(app: &App, ctx: &Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    if let Some((plan_km, current_km)) = app.rebase_offer {
        egui::Window::new("This plan uses another border line")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
            .show(ctx, |ui| {
                ui.label(format!(
                    "The plan was made on a border line of {plan_km:.1} km; the border bundled with this version \
                     is {current_km:.1} km ({}). Km numbers on the two lines differ.",
                    crate::io::bundled::BORDER_SOURCE
                ));
                ui.label(
                    "Rebasing moves segment ends to the nearest point of the current line and re-measures the \
                     outposts from their positions; assignments stay on their segments and outposts. One undo step.",
                );
                ui.horizontal(|ui| {
                    if ui.button(RichText::new("Rebase on the current border").strong()).clicked() {
                        out.push(PlanCommand::RebaseOnCurrentBorder.into());
                    }
                    if ui.button("Keep this plan's line").clicked() {
                        out.push(PlanCommand::KeepOwnBorder.into());
                    }
                });
            });
    }
    if let Some(lines) = &app.rebase_report {
        let mut open = true;
        map_window(app, "Rebase report", 0.0).open(&mut open).default_size([460.0, 320.0]).show(ctx, |ui| {
            if let Some((first, rest)) = lines.split_first() {
                ui.label(RichText::new(first).strong());
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for l in rest {
                        ui.monospace(l);
                    }
                });
            }
        });
        if !open {
            out.push(ViewCommand::CloseRebaseReport.into());
        }
    }
    out
}

fn guard_ui(app: &App, ctx: &Context) -> Option<Command> {
    let pending = app.pending.as_ref()?;
    let what = pending.doing();
    let mut choice: Option<GuardAnswer> = None;
    egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!("Save the changes to “{}” before {what}?", app.plan.meta.title));
        ui.horizontal(|ui| {
            // Save goes where the plan belongs: its file, else the database it came from, else a new file.
            let (save, hover) = match (&app.plan_path, crate::io::db::Origin::of(&app.plan)) {
                (Some(p), _) => ("Save".to_owned(), format!("Save to {}", p.display())),
                (None, Some(o)) => (
                    "Save to database".to_owned(),
                    format!("Push “{}” as the next version to {}", o.name, crate::io::db::target_of(&o.database)),
                ),
                (None, None) => ("Save as…".to_owned(), "The plan has no file yet: choose where to save it".to_owned()),
            };
            if ui.button(RichText::new(save).strong()).on_hover_text(hover).clicked() {
                choice = Some(GuardAnswer::Save);
            }
            if ui.button("Don't save").clicked() {
                choice = Some(GuardAnswer::DontSave);
            }
            if ui.button("Cancel").clicked() {
                choice = Some(GuardAnswer::Cancel);
            }
        });
    });
    choice.map(|answer| FileCommand::Guard(answer).into())
}

fn catalog_ui(app: &App, catalog_edit: &mut Option<EquipmentType>, ui: &mut egui::Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    ui.label("Equipment types used by this plan. A type in use cannot be removed until its assignments are.");
    egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
        egui::Grid::new("catalog").striped(true).show(ui, |ui| {
            for h in ["Name", "Category", "Unit", "Range km", "Unit cost $", "Used", ""] {
                ui.strong(h);
            }
            ui.end_row();
            for t in app.plan.catalog.types.clone() {
                let used = app.plan.assignments.iter().filter(|a| a.equipment_id == t.id).count();
                ui.label(&t.name).on_hover_text(&t.description);
                ui.label(t.category.label());
                ui.label(&t.unit);
                ui.label(t.detection_range_km.map(|r| r.to_string()).unwrap_or_default());
                ui.label(t.unit_cost_usd.map(|c| format!("{c:.0}")).unwrap_or_default());
                ui.label(used.to_string());
                ui.horizontal(|ui| {
                    if ui.small_button("Edit").clicked() {
                        *catalog_edit = Some(t.clone());
                    }
                    let remove = ui.add_enabled(used == 0, egui::Button::new("Remove").small());
                    let remove = if used > 0 {
                        remove.on_disabled_hover_text(format!("Used by {}", count(used, "assignment", "assignments")))
                    } else {
                        remove
                    };
                    if remove.clicked() {
                        out.push(Command::from(Edit::RemoveEquipment { id: t.id.clone() }));
                    }
                });
                ui.end_row();
            }
        });
    });
    if ui.button("Add equipment type").clicked() {
        let id = app.plan.catalog.fresh_id("new equipment");
        *catalog_edit = Some(EquipmentType::new(&id, "New equipment", Category::Other, "set"));
    }
    if let Some(mut t) = catalog_edit.take() {
        ui.separator();
        let mut keep = true;
        egui::Grid::new("cat_edit").num_columns(2).show(ui, |ui| {
            ui.label("Id");
            ui.label(&t.id);
            ui.end_row();
            ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut t.name).hint_text("Name"));
            ui.end_row();
            ui.label("Category");
            egui::ComboBox::from_id_salt("cat_c")
                .selected_text(t.category.label())
                .show_ui(ui, |ui| {
                    for c in Category::ALL {
                        ui.selectable_value(&mut t.category, c, c.label());
                    }
                })
                .response
                .on_hover_text("Category");
            ui.end_row();
            ui.label("Unit");
            ui.add(egui::TextEdit::singleline(&mut t.unit).hint_text("Unit, e.g. set or km"));
            ui.end_row();
            ui.label("Detection range km");
            let mut has = t.detection_range_km.is_some();
            ui.horizontal(|ui| {
                ui.checkbox(&mut has, "");
                let mut r = t.detection_range_km.unwrap_or(1.0);
                ui.add_enabled(has, egui::DragValue::new(&mut r).range(0.1..=200.0).speed(0.1))
                    .on_hover_text("Detection range, km each way");
                t.detection_range_km = if has { Some(r) } else { None };
            });
            ui.end_row();
            ui.label("Unit cost $");
            let mut c = t.unit_cost_usd.unwrap_or(0.0);
            ui.add(egui::DragValue::new(&mut c).range(0.0..=1e9).speed(100.0)).on_hover_text("Unit cost in US dollars");
            t.unit_cost_usd = if c > 0.0 { Some(c) } else { None };
            ui.end_row();
            ui.label("Description");
            ui.add(egui::TextEdit::singleline(&mut t.description).hint_text("Description"));
            ui.end_row();
        });
        ui.horizontal(|ui| {
            if ui.button("Save type").clicked() {
                out.push(Command::from(Edit::UpsertEquipment(Box::new(t.clone()))));
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        if keep {
            *catalog_edit = Some(t);
        }
    }
    out
}

/// What a sorted order was computed for: layer, column, descending.
type SortKey = (crate::io::layer::LayerId, String, bool);

/// Which column the attribute table is sorted by, and its order for the layer it was computed for.
#[derive(Debug, Clone, Default)]
pub struct AttributeSort {
    /// (column, descending).
    pub by: Option<(String, bool)>,
    /// The sorted feature order for (layer id, column, descending).
    order: Option<(SortKey, std::sync::Arc<Vec<usize>>)>,
}

impl AttributeSort {
    /// Feature indexes in display order: sorted by the chosen column (numbers by value, before text), computed
    /// once per layer and column.
    fn order(&mut self, layer: &crate::io::layer::Layer) -> Option<std::sync::Arc<Vec<usize>>> {
        let (col, desc) = self.by.clone()?;
        let key = (layer.id(), col.clone(), desc);
        if let Some((k, order)) = &self.order
            && *k == key
        {
            return Some(order.clone());
        }
        let values: Vec<serde_json::Value> = (0..layer.features.len())
            .map(|i| layer.properties.map(i).get(&col).cloned().unwrap_or(serde_json::Value::Null))
            .collect();
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| {
            let o = compare_values(&values[a], &values[b]);
            if desc { o.reverse() } else { o }
        });
        let order = std::sync::Arc::new(order);
        self.order = Some((key, order.clone()));
        Some(order)
    }
}

/// Property values in a sensible order: numbers by value, then text (case-insensitive), then the rest, then empty.
fn compare_values(a: &serde_json::Value, b: &serde_json::Value) -> std::cmp::Ordering {
    use serde_json::Value;
    let rank = |v: &Value| match v {
        Value::Number(_) => 0,
        Value::String(_) => 1,
        Value::Null => 3,
        _ => 2,
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().unwrap_or(f64::NAN).total_cmp(&y.as_f64().unwrap_or(f64::NAN))
        }
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => rank(a).cmp(&rank(b)).then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// A virtualised attribute table: only visible rows are laid out, so 100k features scroll smoothly. A click on a
/// header sorts by that column (again: the other way); a header cut short shows its full name on hover.
fn attribute_table_ui(app: &App, li: usize, sort: &mut AttributeSort, ui: &mut egui::Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let Some(layer) = app.layers.get(li) else { return out };
    let cols: Vec<String> = layer.stats.property_names.iter().take(12).cloned().collect();
    let selected = app.layer_pick_index().filter(|(l, _)| *l == li).map(|(_, f)| f);
    let order = sort.order(layer);
    let row_of = |feature: usize| order.as_ref().map_or(Some(feature), |o| o.iter().position(|&f| f == feature));
    // A feature picked on the map is scrolled into view once (the planner may scroll away afterwards).
    let scroll_id = ui.scope_id().with(("attribute_table_scrolled_to", li));
    let scrolled_to: Option<usize> = ui.data(|d| d.get_temp(scroll_id)).flatten();
    let scroll_to = selected.filter(|s| scrolled_to != Some(*s)).and_then(row_of);
    ui.data_mut(|d| d.insert_temp(scroll_id, selected));
    let mut clicked = None;
    let mut sort_by: Option<String> = None;
    let mut table = TableBuilder::new(ui)
        .id_salt(("attribute_table", li))
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .column(Column::auto().at_least(50.0));
    if let Some(row) = scroll_to {
        table = table.scroll_to_row(row, Some(egui::Align::Center));
    }
    for _ in &cols {
        table = table.column(Column::auto().at_least(80.0).at_most(260.0).clip(true));
    }
    let arrow = |c: &str| match &sort.by {
        Some((s, desc)) if s == c => {
            if *desc {
                " v"
            } else {
                " ^"
            }
        }
        _ => "",
    };
    table
        .header(20.0, |mut h| {
            h.col(|ui| {
                ui.strong("#");
            });
            for c in &cols {
                h.col(|ui| {
                    let text = RichText::new(format!("{c}{}", arrow(c))).strong();
                    let r = ui.add(egui::Button::new(text).frame(false).truncate());
                    if r.on_hover_text(format!("{c}: click to sort")).clicked() {
                        sort_by = Some(c.clone());
                    }
                });
            }
        })
        .body(|body| {
            body.rows(20.0, layer.features.len(), |mut row| {
                let i = order.as_ref().and_then(|o| o.get(row.index()).copied()).unwrap_or(row.index());
                row.set_selected(selected == Some(i));
                let properties = layer.properties.map(i);
                // Cells are not selectable text, so a click anywhere on a row picks its feature.
                row.col(|ui| {
                    ui.add(egui::Label::new(i.to_string()).selectable(false));
                });
                for c in &cols {
                    row.col(|ui| {
                        let v = properties
                            .get(c)
                            .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
                            .unwrap_or_default();
                        ui.add(egui::Label::new(v).selectable(false).truncate());
                    });
                }
                if row.response().clicked() {
                    clicked = Some(i);
                }
            });
        });
    if let Some(c) = sort_by {
        let desc = matches!(&sort.by, Some((s, d)) if *s == c && !*d);
        sort.by = Some((c, desc));
    }
    if let Some(i) = clicked {
        out.push(SelectCommand::LayerFeature(Some((li, i))).into());
        if let Some(b) = layer.features.get(i).and_then(|f| geo::BoundingRect::bounding_rect(&f.geometry)) {
            out.push(ViewCommand::ZoomToBounds([b.min().x, b.min().y, b.max().x, b.max().y]).into());
        }
    }
    out
}
