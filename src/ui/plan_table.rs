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

/// Rows that pass the filters, sorted.
pub fn visible_rows(app: &App, t: &TableState) -> Vec<usize> {
    let plan = &app.plan;
    let q = t.text.to_lowercase();
    let mut rows: Vec<usize> = plan
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
    let km = |a: &Assignment| plan.target_extent_km(&a.target).map(|e| e.0).unwrap_or(f64::MAX);
    let eq = |a: &Assignment| plan.catalog.get(&a.equipment_id).map(|e| e.name.clone()).unwrap_or_default();
    rows.sort_by(|&i, &j| {
        let (a, b) = (&plan.assignments[i], &plan.assignments[j]);
        let o = match t.sort {
            SortKey::Km => km(a).total_cmp(&km(b)),
            SortKey::Id => a.id.cmp(&b.id),
            SortKey::Target => plan.target_name(&a.target).cmp(&plan.target_name(&b.target)),
            SortKey::Equipment => eq(a).cmp(&eq(b)),
            SortKey::Quantity => a.quantity.total_cmp(&b.quantity),
            SortKey::Stage => a.stage.cmp(&b.stage),
            SortKey::Supplier => a.supplier.cmp(&b.supplier),
            SortKey::Quarter => a.quarter.cmp(&b.quarter),
            SortKey::Status => a.status.cmp(&b.status),
        }
        .then(a.id.cmp(&b.id));
        if t.descending { o.reverse() } else { o }
    });
    rows
}

fn segment_of<'a>(app: &'a App, a: &'a Assignment) -> Option<&'a str> {
    match &a.target {
        Target::Segment(id) => Some(id.as_str()),
        Target::Outpost(id) => app.plan.outpost(id).map(|o| o.segment_id.as_str()),
    }
}

pub fn plan_table_ui(app: &App, table: &mut TableState, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    filters_ui(app, table, ui);
    let rows = visible_rows(app, table);
    ui.horizontal(|ui| {
        ui.label(format!("{} of {} assignments", rows.len(), app.plan.assignments.len()));
        let sel: Vec<String> = table.selected_rows.iter().cloned().collect();
        if ui
            .add_enabled(!sel.is_empty(), egui::Button::new(format!("Delete {}", count(sel.len(), "row", "rows"))))
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
    let mut updates: Vec<Assignment> = Vec::new();
    let mut clicked_row: Option<(usize, bool)> = None;
    // Ten columns are wider than the space between the side panels: scroll sideways instead of running under
    // the right panel.
    egui::ScrollArea::horizontal().id_salt("plan_table_sideways").auto_shrink([false, true]).show(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            // The table scrolls inside whatever height the planner gives the panel (egui_extras would otherwise
            // claim 200 px and push the panel past its default size, taking it from the map).
            .min_scrolled_height(80.0)
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(150.0))
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(170.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(55.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(90.0))
            .column(Column::remainder().at_least(100.0))
            .header(22.0, |mut h| {
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
                body.rows(22.0, rows.len(), |mut row| {
                    let i = rows[row.index()];
                    let Some(a) = app.plan.assignments.get(i) else { return };
                    let mut edited = a.clone();
                    let selected = table.selected_rows.contains(&a.id) || app.selection.contains(&a.target);
                    row.set_selected(selected);
                    let plan = &app.plan;
                    row.col(|ui| {
                        ui.label(&a.id);
                    });
                    row.col(|ui| {
                        ui.label(plan.target_name(&a.target).unwrap_or(a.target.id())).on_hover_text(format!(
                            "{} {}",
                            a.target.kind(),
                            a.target.id()
                        ));
                    });
                    row.col(|ui| {
                        let (f, t) = plan.target_extent_km(&a.target).unwrap_or((0.0, 0.0));
                        ui.label(if (t - f).abs() < 1e-9 { format!("{f:.1}") } else { format!("{f:.0}–{t:.0}") });
                    });
                    row.col(|ui| {
                        ui.label(
                            plan.catalog
                                .get(&a.equipment_id)
                                .map(|e| e.name.as_str())
                                .unwrap_or(a.equipment_id.as_str()),
                        );
                    });
                    row.col(|ui| {
                        ui.add(egui::DragValue::new(&mut edited.quantity).range(0.0..=100_000.0).speed(0.2))
                            .on_hover_text(format!("Quantity of {}", a.id));
                    });
                    row.col(|ui| {
                        ui.colored_label(crate::map::style::stage_color(Some(a.stage)), a.stage.number().to_string());
                    });
                    row.col(|ui| {
                        ui.label(&a.supplier);
                    });
                    row.col(|ui| {
                        let (q0, q1) = a.stage.window();
                        egui::ComboBox::from_id_salt(("q", &a.id))
                            .selected_text(a.quarter.to_string())
                            .width(70.0)
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
                            .width(85.0)
                            .show_ui(ui, |ui| {
                                for s in Status::ALL {
                                    ui.selectable_value(&mut edited.status, s, s.label());
                                }
                            })
                            .response
                            .on_hover_text(format!("Status of {}", a.id));
                    });
                    row.col(|ui| {
                        ui.label(&a.note);
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

fn filters_ui(app: &App, t: &mut TableState, ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
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
        let suppliers: std::collections::BTreeSet<String> =
            app.plan.assignments.iter().map(|a| a.supplier.clone()).collect();
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
            egui::TextEdit::singleline(&mut t.text).hint_text("segment, target, equipment, note…").desired_width(180.0),
        );
        ui.checkbox(&mut t.only_selected, "Only selected targets");
        if ui.small_button("Reset").clicked() {
            let sort = (t.sort, t.descending);
            *t = Default::default();
            (t.sort, t.descending) = sort;
        }
    });
}
