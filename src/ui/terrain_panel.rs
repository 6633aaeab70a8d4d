//! Terrain in the panels: what the coverage is based on, what each sensor sees, the missing-DEM notice.

use crate::app::{App, Command, ViewCommand};
use crate::model::Target;
use egui::{Context, RichText, Ui};

/// One line: which model the coverage figures come from (for the Summary and the map).
pub fn basis_text(app: &App) -> String {
    let t = &app.terrain;
    match (&t.figures, t.computing) {
        (Some(f), computing) => format!(
            "Coverage by {} over the elevation data {} ({:.0} m grid, {:.1} % of the border has data){}",
            f.params.model_label(),
            f.dem,
            f.resolution_m,
            100.0 * f.border_share,
            if computing { " — computing…" } else { "" }
        ),
        (None, true) => "Coverage: computing line of sight…".to_owned(),
        (None, false) => "Coverage by range along the border (no terrain): File › Load elevation data… for line of \
                          sight"
            .to_owned(),
    }
}

/// The short label the map shows over its legend.
pub fn map_label(app: &App) -> Option<String> {
    let t = &app.terrain;
    match (&t.figures, t.computing) {
        (_, true) => Some("Terrain: computing…".to_owned()),
        (Some(_), false) => Some("Coverage: line of sight over terrain".to_owned()),
        (None, false) => Some("Coverage: range (no terrain)".to_owned()),
    }
}

/// The Summary's terrain lines: the basis and the unknown km.
pub fn summary_terrain_ui(app: &App, ui: &mut Ui) {
    ui.weak(basis_text(app));
    if app.derived.terrain.is_some() {
        let [u2, u3] = app.derived.unknown_km;
        if u2 > 0.0 || u3 > 0.0 {
            ui.label(format!(
                "Unknown (no elevation data or voids): {u2:.1} km at the end of stage 2, {u3:.1} km at the end of stage 3"
            ));
        }
    }
}

/// For one selected target: what each of its surveillance assignments sees of the border.
pub fn seen_ui(app: &App, target: &Target, ui: &mut Ui) {
    let Some(f) = &app.derived.terrain else { return };
    let mut any = false;
    for a in app.plan.assignments_for(target) {
        let Some((seen, within)) = f.seen_by_assignment_id(&a.id) else { continue };
        if !any {
            ui.label(RichText::new("Line of sight").strong());
            any = true;
        }
        let name = app.plan.catalog.get(&a.equipment_id).map(|t| t.name.as_str()).unwrap_or(&a.equipment_id);
        ui.label(format!("{} ({}): sees {seen:.1} of {within:.1} km of border within range", name, a.id));
    }
}

/// The notice that the plan's elevation data is missing.
pub fn terrain_notice_ui(app: &App, ctx: &Context) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(text) = &app.terrain.notice else { return out };
    egui::Window::new("Elevation data not found")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 120.0])
        .show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.label(text);
            ui.horizontal(|ui| {
                if ui.button("Load elevation data…").clicked() {
                    out.push(crate::app::Ask::Elevation { folder: false }.into());
                    out.push(ViewCommand::CloseTerrainNotice.into());
                }
                if ui.button("Load elevation folder…").clicked() {
                    out.push(crate::app::Ask::Elevation { folder: true }.into());
                    out.push(ViewCommand::CloseTerrainNotice.into());
                }
                if ui.button("Continue without terrain").clicked() {
                    out.push(ViewCommand::CloseTerrainNotice.into());
                }
            });
        });
    out
}
