//! Rule findings (click to zoom) and the plan summary with coverage per stage.

use crate::app::selection::SelectMode;
use crate::app::{App, Command, SelectCommand, ViewCommand};
use crate::io::format::count;
use crate::model::{Severity, Stage};
use egui::{Color32, RichText, Ui};

pub fn rules_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let f = &app.derived.findings;
    let errors = f.iter().filter(|x| x.severity == Severity::Error).count();
    let warnings = f.iter().filter(|x| x.severity == Severity::Warning).count();
    ui.heading("Programme rules");
    ui.label(format!("{}, {}", count(errors, "error", "errors"), count(warnings, "warning", "warnings")));
    if f.is_empty() {
        ui.label(RichText::new("The plan follows every rule.").color(Color32::from_rgb(0x00, 0x9e, 0x73)));
    }
    // A plan with tens of thousands of findings would lay out every one each frame: list the first ones (errors
    // come first) and say how many more there are.
    for finding in f.iter().take(MAX_LISTED_FINDINGS) {
        let (icon, color) = match finding.severity {
            Severity::Error => ("Error:", Color32::from_rgb(0xd5, 0x5e, 0x00)),
            Severity::Warning => ("Warning:", Color32::from_rgb(0xe6, 0x9f, 0x00)),
            Severity::Info => ("Info:", Color32::GRAY),
        };
        let r = ui.add(
            egui::Button::new(RichText::new(format!("{icon} {}", finding.message)).color(color)).wrap().frame(false),
        );
        let r = r.on_hover_text(format!("{} · click to zoom", finding.rule.code()));
        if r.clicked() {
            if let Some(t) = &finding.target {
                out.push(Command::select(vec![t.clone()], SelectMode::Replace));
                out.push(Command::View(ViewCommand::ZoomToSelection));
            } else if let Some((a, b)) = finding.km {
                out.push(SelectCommand::KmRange { from_km: a, to_km: b }.into());
                out.push(Command::View(ViewCommand::ZoomToKm { from_km: a, to_km: b }));
            }
        }
    }
    if f.len() > MAX_LISTED_FINDINGS {
        ui.weak(format!(
            "… and {} more; `borderplan validate PLAN` lists every finding",
            f.len() - MAX_LISTED_FINDINGS
        ));
    }
    out
}

/// Findings listed in the Rules tab.
const MAX_LISTED_FINDINGS: usize = 500;

pub fn summary_ui(app: &App, form: &mut crate::ui::sensor_form::TerrainForm, ui: &mut Ui) -> Vec<Command> {
    let s = &app.derived.summary;
    ui.heading("Summary");
    ui.label(format!(
        "Border length {:.1} km in the data (WGS84 geodesic), {:.0} km official · {} segments · {} outposts",
        s.border_length_km,
        s.official_length_km,
        app.plan.segments.len(),
        app.plan.outposts.len()
    ));
    ui.weak(&s.length_note);
    ui.label(format!("{} assignments, est. cost ${:.1} M", s.total.assignments, s.total.cost_usd / 1e6));
    ui.separator();
    ui.label(RichText::new("Per stage (coverage is cumulative: stage 3 includes stage-2 equipment)").strong());
    crate::ui::terrain_panel::summary_terrain_ui(app, ui);
    let out = crate::ui::sensor_form::terrain_settings_ui(app, form, ui);
    ui.add_space(4.0);
    egui::Grid::new("sum_stage").striped(true).show(ui, |ui| {
        for h in ["Stage", "Assignments", "Cost $M", "Covered km", "%", "Gaps"] {
            ui.strong(h);
        }
        ui.end_row();
        for st in Stage::DEPLOYMENT {
            if let Some(x) = s.stages.get(&st.number().to_string()) {
                ui.colored_label(crate::map::style::stage_color(Some(st)), format!("{st} ({})", st.years()));
                ui.label(x.totals.assignments.to_string());
                ui.label(format!("{:.1}", x.totals.cost_usd / 1e6));
                ui.label(format!("{:.1}", x.covered_km));
                ui.label(format!("{:.1}", x.coverage_pct));
                ui.label(x.gaps_km.len().to_string());
                ui.end_row();
            }
        }
    });
    ui.add_space(4.0);
    ui.label(RichText::new("Stage-3 coverage gaps").strong());
    for (a, b) in &app.derived.coverage_stage3.gaps {
        ui.label(format!("km {a:.1} – {b:.1} ({:.1} km)", b - a));
    }
    ui.separator();
    ui.label(RichText::new("Per supplier").strong());
    egui::Grid::new("sum_supplier").striped(true).show(ui, |ui| {
        for (k, t) in &s.by_supplier {
            ui.label(k);
            ui.label(format!("{} assignments", t.assignments));
            ui.label(format!("${:.1} M", t.cost_usd / 1e6));
            ui.end_row();
        }
    });
    ui.separator();
    ui.label(RichText::new("Per category").strong());
    egui::Grid::new("sum_cat").striped(true).show(ui, |ui| {
        for (k, t) in &s.by_category {
            ui.label(k);
            ui.label(format!("{} assignments", t.assignments));
            ui.label(format!("${:.1} M", t.cost_usd / 1e6));
            ui.end_row();
        }
    });
    out
}
