//! Right panel: the selection (list, totals, segment tools), the assignment form, rules and summary tabs.

use crate::app::settings::RightTab;
use crate::app::{App, Command, SelectCommand, SettingChange, ViewCommand};
use crate::io::format::count;
use crate::model::{Assignment, Category, Edit, Stage, Status, Target, members};
use crate::ui::state::{AssignForm, UiState};
use egui::{RichText, Ui};

pub fn right_panel_ui(app: &App, state: &mut UiState, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    // The tabs wrap rather than widen the panel.
    ui.horizontal_wrapped(|ui| {
        let mut tab_now = app.settings.right_tab;
        let tab = &mut tab_now;
        ui.selectable_value(tab, RightTab::Selection, format!("Selection ({})", app.selection.len()));
        let errors = app.derived.findings.iter().filter(|f| f.severity == crate::model::Severity::Error).count();
        ui.selectable_value(
            tab,
            RightTab::Rules,
            format!("Rules ({}, {} total)", count(errors, "error", "errors"), app.derived.findings.len()),
        );
        ui.selectable_value(tab, RightTab::Summary, "Summary");
        if tab_now != app.settings.right_tab {
            out.push(ViewCommand::Setting(SettingChange::RightTab(tab_now)).into());
        }
    });
    ui.separator();
    // Content scrolls inside the panel in both directions: a long name must not widen the panel (the map would
    // shift under the pointer) — the panel's width is the planner's.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .show(ui, |ui| match app.settings.right_tab {
            RightTab::Selection => {
                out.extend(selection_ui(app, state, ui));
                ui.separator();
                out.extend(assign_form_ui(app, &mut state.assign, ui));
            }
            RightTab::Rules => out.extend(super::rules_panel::rules_ui(app, ui)),
            RightTab::Summary => out.extend(super::rules_panel::summary_ui(app, &mut state.sensors.plan, ui)),
        });
    out
}

fn selection_ui(app: &App, state: &mut UiState, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    ui.horizontal(|ui| {
        ui.heading("Selection");
        if ui.button("Select km range…").clicked() {
            state.windows.km_range = Some((0.0, 100.0));
        }
    });
    if app.selection.is_empty() {
        ui.weak("Click a segment or outpost on the map. Shift-click adds, Ctrl-click toggles, Shift-drag selects a box, Esc clears.");
    }
    if let Some((li, fi)) = app.layer_pick_index()
        && let Some(layer) = app.layers.get(li)
    {
        ui.label(RichText::new(format!("Feature {fi} of layer {}", layer.name)).strong());
        egui::Grid::new("feature_props").striped(true).show(ui, |ui| {
            for (k, v) in &layer.properties.map(fi) {
                ui.label(k);
                ui.label(v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
                ui.end_row();
            }
        });
        ui.separator();
    }
    if !app.selection.is_empty() {
        let seg_km = app.selection.segment_length_km(&app.plan);
        ui.label(format!(
            "{}, {:.1} km of border · {}",
            count(app.selection.segments().count(), "segment", "segments"),
            seg_km,
            count(app.selection.outposts().count(), "outpost", "outposts")
        ));
        ui.horizontal(|ui| {
            if ui.small_button("Zoom to selection (Z)").clicked() {
                out.push(Command::View(ViewCommand::ZoomToSelection));
            }
            if ui.small_button("Clear (Esc)").clicked() {
                out.push(Command::Select(SelectCommand::Clear));
            }
        });
        egui::Grid::new("selection_list").striped(true).num_columns(4).show(ui, |ui| {
            ui.strong("Name");
            ui.strong("km");
            ui.strong("Stage");
            ui.strong("#");
            ui.end_row();
            let items: Vec<Target> = app.selection.iter().cloned().collect();
            for t in items {
                let name = app.plan.target_name(&t).unwrap_or(t.id()).to_owned();
                let (a, b) = app.plan.target_extent_km(&t).unwrap_or((0.0, 0.0));
                let km = if matches!(t, Target::Outpost(_)) {
                    format!("{a:.1}")
                } else {
                    format!("{a:.1}–{b:.1} ({:.1})", b - a)
                };
                let stage =
                    app.plan.target_stage(&t, None).map(|s| s.number().to_string()).unwrap_or_else(|| "—".into());
                let n = app.plan.assignments_for(&t).count();
                let icon = if matches!(t, Target::Outpost(_)) { "Outpost " } else { "Segment " };
                if ui.link(format!("{icon}{name}")).on_hover_text(t.id()).clicked() {
                    out.push(Command::select(vec![t.clone()], crate::app::selection::SelectMode::Replace));
                    out.push(Command::View(ViewCommand::ZoomToSelection));
                }
                ui.label(km);
                ui.label(stage);
                ui.label(n.to_string());
                ui.end_row();
            }
        });
        if let [t] = app.selection.iter().collect::<Vec<_>>().as_slice() {
            crate::ui::terrain_panel::seen_ui(app, t, ui);
            out.extend(crate::ui::sensor_form::sensor_params_ui(app, &mut state.sensors, t, ui));
        }
        // Segment tools for a single selected segment.
        let segs: Vec<String> = app.selection.segments().map(str::to_owned).collect();
        if let [id] = segs.as_slice()
            && let Some(s) = app.plan.segments.get(id).cloned()
        {
            ui.separator();
            ui.label(RichText::new(format!("Segment {}", s.id)).strong());
            ui.weak(format!("{} / {}", s.tajik_region, s.afghan_province));
            let rename = state.rename.get_or_insert_with(|| (s.id.clone(), s.name.clone()));
            if rename.0 != s.id {
                *rename = (s.id.clone(), s.name.clone());
            }
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut rename.1).hint_text("Segment name"));
                if ui.button("Rename").clicked() && rename.1.trim() != s.name {
                    out.push(Command::from(Edit::RenameSegment { id: s.id.clone(), name: rename.1.clone() }));
                }
            });
            ui.horizontal(|ui| {
                if state.split_km <= s.from_km || state.split_km >= s.to_km {
                    state.split_km = ((s.from_km + s.to_km) / 2.0 * 10.0).round() / 10.0;
                }
                ui.add(egui::DragValue::new(&mut state.split_km).range(s.from_km..=s.to_km).speed(0.1).suffix(" km"))
                    .on_hover_text("Split position, border km");
                if ui.button("Split here").clicked() {
                    out.push(Command::from(Edit::SplitSegment { km: state.split_km }));
                }
                if ui.button("Merge with next").clicked() {
                    out.push(Command::from(Edit::MergeSegmentWithNext { id: s.id.clone() }));
                }
            });
        }
    }
    out
}

/// The assignment form: equipment (grouped, searchable), quantity, stage, supplier, quarter, status, note.
pub fn assign_form_ui(app: &App, form: &mut AssignForm, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    ui.heading("Assign equipment");
    let n = app.selection.len();
    if form.equipment_id.is_empty() || app.plan.catalog.get(&form.equipment_id).is_none() {
        form.equipment_id = app.plan.catalog.types.first().map(|t| t.id.clone()).unwrap_or_default();
    }
    egui::Grid::new("assign_form").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
        ui.label("Equipment");
        let selected = app.plan.catalog.get(&form.equipment_id).map(|t| t.name.clone()).unwrap_or_default();
        egui::ComboBox::from_id_salt("equipment")
            .selected_text(selected)
            .width(210.0)
            .show_ui(ui, |ui| {
                ui.add(egui::TextEdit::singleline(&mut form.equipment_search).hint_text("filter…"));
                let q = form.equipment_search.to_lowercase();
                for c in Category::ALL {
                    let items: Vec<_> = app
                        .plan
                        .catalog
                        .by_category(c)
                        .filter(|t| q.is_empty() || t.name.to_lowercase().contains(&q))
                        .collect();
                    if items.is_empty() {
                        continue;
                    }
                    ui.label(RichText::new(c.label()).small().strong());
                    for t in items {
                        let range = t.coverage_range_km().map(|r| format!(" · ±{r} km")).unwrap_or_default();
                        ui.selectable_value(
                            &mut form.equipment_id,
                            t.id.clone(),
                            format!("{} ({}){range}", t.name, t.unit),
                        );
                    }
                }
            })
            .response
            .on_hover_text("Equipment type");
        ui.end_row();
        let unit = app.plan.catalog.get(&form.equipment_id).map(|t| t.unit.clone()).unwrap_or_default();
        ui.label("Quantity");
        ui.add(
            egui::DragValue::new(&mut form.quantity)
                .range(0.0..=100_000.0)
                .speed(0.5)
                .suffix(format!(" {unit} per target")),
        )
        .on_hover_text("Quantity per selected target");
        ui.end_row();
        ui.label("Stage");
        // One radio per line: side by side they are wider than the panel's default width and the second was cut.
        ui.vertical(|ui| {
            for s in Stage::DEPLOYMENT {
                if ui.radio_value(&mut form.stage, s, format!("{s} ({})", s.years())).changed() {
                    let (a, b) = s.window();
                    if form.quarter < a || form.quarter > b {
                        form.quarter = a;
                    }
                }
            }
        });
        ui.end_row();
        ui.label("Supplier");
        egui::ComboBox::from_id_salt("supplier")
            .selected_text(form.supplier.clone())
            .show_ui(ui, |ui| {
                for m in members::MEMBER_STATES {
                    let suspended = m.participation == members::Participation::Suspended;
                    let label = format!("{} ({})", m.name, m.participation);
                    ui.add_enabled_ui(!suspended, |ui| {
                        ui.selectable_value(&mut form.supplier, m.name.to_owned(), label);
                    });
                }
            })
            .response
            .on_hover_text("Supplying member state");
        ui.end_row();
        ui.label("Delivery quarter");
        let (a, b) = form.stage.window();
        egui::ComboBox::from_id_salt("quarter")
            .selected_text(form.quarter.to_string())
            .show_ui(ui, |ui| {
                for q in a.range_to(b) {
                    ui.selectable_value(&mut form.quarter, q, q.to_string());
                }
            })
            .response
            .on_hover_text("Planned delivery quarter");
        ui.end_row();
        ui.label("Status");
        egui::ComboBox::from_id_salt("status")
            .selected_text(form.status.label())
            .show_ui(ui, |ui| {
                for s in Status::ALL {
                    ui.selectable_value(&mut form.status, s, s.label());
                }
            })
            .response
            .on_hover_text("Status");
        ui.end_row();
        ui.label("Note");
        ui.add(egui::TextEdit::singleline(&mut form.note).hint_text("Note (optional)"));
        ui.end_row();
    });
    let stage2_segments = form.stage == Stage::Two && app.selection.segments().next().is_some();
    // The warning's space is kept when it is not shown, so the Assign button below never moves under the pointer.
    ui.add_visible(
        stage2_segments,
        egui::Label::new(
            RichText::new(
                "Stage 2 deploys at selected outposts: segments in the selection will be flagged by the rules.",
            )
            .color(egui::Color32::from_rgb(0xd5, 0x5e, 0x00)),
        )
        .wrap(),
    );
    let label = format!("Assign to {n} selected");
    if ui.add_enabled(n > 0 && form.quantity > 0.0, egui::Button::new(RichText::new(label).strong())).clicked() {
        let targets: Vec<Target> = app.selection.iter().cloned().collect();
        let ids = app.plan.fresh_assignment_ids(targets.len());
        let list = targets
            .into_iter()
            .zip(ids)
            .map(|(target, id)| Assignment {
                id,
                target,
                equipment_id: form.equipment_id.clone(),
                quantity: form.quantity,
                stage: form.stage,
                supplier: form.supplier.clone(),
                quarter: form.quarter,
                status: form.status,
                note: form.note.clone(),
                extra: Default::default(),
            })
            .collect();
        out.push(Command::from(Edit::AddAssignments(list)));
    }
    if n == 0 {
        ui.weak("Select segments or outposts first.");
    }
    out
}
