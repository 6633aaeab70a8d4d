//! The line-of-sight parameters in the window: per surveillance assignment its mast (or operating) height and
//! sector, beside the catalog's defaults; plan-wide the target height and the refraction coefficient. Each change
//! is a plan edit (undoable, recomputed by the terrain thread); a typed value out of range is shown in red and
//! not applied.

use crate::app::{App, Command};
use crate::model::terrain::sensors::{
    Sight, catalog_sight, overrides, sight_of, validate_height, validate_sector, with_overrides,
};
use crate::model::terrain::{DEFAULT_REFRACTION_K, DEFAULT_TARGET_HEIGHT_M, TerrainParams};
use crate::model::{Assignment, Edit, Target};
use egui::{Color32, RichText, Ui};
use std::collections::HashMap;

const ERROR_COLOUR: Color32 = Color32::from_rgb(0xd5, 0x2b, 0x1e);

/// What the planner is typing for one assignment, and the stored values it was filled from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorForm {
    pub height: String,
    pub sector_from: String,
    pub sector_to: String,
    pub error: Option<String>,
    synced: (Option<f64>, Option<[f64; 2]>),
}

/// What the planner is typing for the plan-wide settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerrainForm {
    pub target_height: String,
    pub refraction_k: String,
    pub error: Option<String>,
    synced: Option<(f64, f64)>,
}

/// The forms' state, by assignment id.
#[derive(Debug, Clone, Default)]
pub struct SensorForms {
    pub sensors: HashMap<String, SensorForm>,
    pub plan: TerrainForm,
}

fn num(x: f64) -> String {
    // Whole numbers without ".0", others as typed (up to 3 decimals).
    let r = (x * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r}") }
}

fn parse(what: &str, text: &str) -> Result<Option<f64>, String> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>().map(Some).map_err(|_| format!("{what} “{}” is not a number", text.trim()))
}

fn sector_text(s: Option<[f64; 2]>) -> String {
    s.map_or_else(|| "all round".to_owned(), |[a, b]| format!("{}°–{}°", num(a), num(b)))
}

/// The edit the form asks for, or the reason it cannot be applied.
fn sensor_edit(a: &Assignment, form: &SensorForm, height_label: &str) -> Result<Assignment, String> {
    let height = parse(height_label, &form.height)?;
    if let Some(h) = height {
        validate_height(height_label, h)?;
    }
    let sector = match (parse("Sector from", &form.sector_from)?, parse("Sector to", &form.sector_to)?) {
        (None, None) => None,
        (Some(from), Some(to)) => {
            validate_sector([from, to])?;
            Some([from, to])
        }
        _ => return Err("Give both sector azimuths (from and to), or neither for the catalog's sector".to_owned()),
    };
    Ok(with_overrides(a, height, sector))
}

/// For one selected target: each line-of-sight assignment's height and sector, editable.
pub fn sensor_params_ui(app: &App, forms: &mut SensorForms, target: &Target, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let mut heading = false;
    for a in app.plan.assignments_for(target) {
        let Some(t) = app.plan.catalog.get(&a.equipment_id) else { continue };
        if !matches!(sight_of(t, a), Sight::FromHeight { .. }) {
            continue;
        }
        if !heading {
            ui.label(RichText::new("Sensor parameters").strong());
            heading = true;
        }
        let (default_h, airborne, default_sector) = catalog_sight(t);
        let height_label = if airborne { "Operating height" } else { "Mast height" };
        let stored = overrides(a);
        let form = forms.sensors.entry(a.id.clone()).or_default();
        if form.synced != stored {
            form.height = stored.0.map(num).unwrap_or_default();
            let [f, to] = stored.1.map_or([String::new(), String::new()], |[f, t]| [num(f), num(t)]);
            form.sector_from = f;
            form.sector_to = to;
            form.synced = stored;
            form.error = None;
        }
        ui.label(RichText::new(format!("{} ({})", t.name, a.id)).small());
        let mut apply = false;
        egui::Grid::new(("sensor_params", a.id.as_str())).num_columns(2).spacing([6.0, 4.0]).show(ui, |ui| {
            ui.label(height_label);
            ui.horizontal(|ui| {
                let r = ui
                    .add(egui::TextEdit::singleline(&mut form.height).desired_width(56.0).hint_text(num(default_h)))
                    .accessible_name(format!("{height_label} of {}", a.id));
                apply |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.label("m");
                ui.weak(format!("catalog {} m", num(default_h)));
            });
            ui.end_row();
            ui.label("Sector");
            ui.horizontal(|ui| {
                for (text, what) in [(&mut form.sector_from, "from"), (&mut form.sector_to, "to")] {
                    let r = ui
                        .add(egui::TextEdit::singleline(text).desired_width(40.0).hint_text(what))
                        .accessible_name(format!("Sector {what} of {}", a.id));
                    apply |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.label("°");
                }
                ui.weak(format!("catalog {}", sector_text(default_sector)));
            });
            ui.end_row();
        });
        ui.horizontal(|ui| {
            apply |= ui
                .button("Apply")
                .on_hover_text(format!("Set the height and sector of {} (Enter in a field does too)", a.id))
                .clicked();
            let overridden = stored.0.is_some() || stored.1.is_some();
            if ui
                .add_enabled(overridden, egui::Button::new("Reset to catalog default"))
                .on_hover_text(format!(
                    "{height_label} {} m, sector {} as the catalog gives for {}",
                    num(default_h),
                    sector_text(default_sector),
                    t.name
                ))
                .clicked()
            {
                out.push(Command::from(Edit::UpdateAssignment(with_overrides(a, None, None))));
                form.error = None;
            }
        });
        if apply {
            match sensor_edit(a, form, height_label) {
                Ok(edited) if &edited != a => {
                    out.push(Command::from(Edit::UpdateAssignment(edited)));
                    form.error = None;
                }
                Ok(_) => form.error = None,
                Err(e) => form.error = Some(e),
            }
        }
        if let Some(e) = &form.error {
            ui.colored_label(ERROR_COLOUR, e);
        }
    }
    out
}

/// The plan-wide line-of-sight settings: target height and refraction coefficient.
pub fn terrain_settings_ui(app: &App, form: &mut TerrainForm, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let params = TerrainParams::of_plan(&app.plan);
    let stored = (params.target_height_m, params.refraction_k);
    if form.synced != Some(stored) {
        form.target_height = num(stored.0);
        form.refraction_k = num(stored.1);
        form.synced = Some(stored);
        form.error = None;
    }
    ui.label(RichText::new("Line-of-sight settings").strong());
    let mut apply = false;
    egui::Grid::new("terrain_settings").num_columns(2).spacing([6.0, 4.0]).show(ui, |ui| {
        ui.label("Target height");
        ui.horizontal(|ui| {
            let r = ui
                .add(egui::TextEdit::singleline(&mut form.target_height).desired_width(56.0))
                .accessible_name("Target height in metres");
            apply |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.label("m");
            ui.weak(format!("above the ground (default {} m)", num(DEFAULT_TARGET_HEIGHT_M)));
        });
        ui.end_row();
        ui.label("Refraction k");
        ui.horizontal(|ui| {
            let r = ui
                .add(egui::TextEdit::singleline(&mut form.refraction_k).desired_width(56.0))
                .accessible_name("Refraction coefficient k");
            apply |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.weak(format!("0 ≤ k < 1 (default {DEFAULT_REFRACTION_K}; radar ≈ 0.25)"));
        });
        ui.end_row();
    });
    ui.horizontal(|ui| {
        apply |= ui.button("Apply settings").clicked();
        let default = stored == (DEFAULT_TARGET_HEIGHT_M, DEFAULT_REFRACTION_K);
        if ui.add_enabled(!default, egui::Button::new("Reset to defaults")).clicked() {
            out.push(Command::from(Edit::SetTerrain(TerrainParams {
                refraction_k: DEFAULT_REFRACTION_K,
                target_height_m: DEFAULT_TARGET_HEIGHT_M,
                ..params.clone()
            })));
        }
    });
    if apply {
        let typed = parse("Target height", &form.target_height).and_then(|h| {
            let k = parse("Refraction k", &form.refraction_k)?;
            Ok((h.unwrap_or(DEFAULT_TARGET_HEIGHT_M), k.unwrap_or(DEFAULT_REFRACTION_K)))
        });
        let next = typed.and_then(|(h, k)| {
            let next = TerrainParams { target_height_m: h, refraction_k: k, ..params.clone() };
            next.validate().map(|()| next)
        });
        match next {
            Ok(next) if next != params => {
                out.push(Command::from(Edit::SetTerrain(next)));
                form.error = None;
            }
            Ok(_) => form.error = None,
            Err(e) => form.error = Some(e),
        }
    }
    if let Some(e) = &form.error {
        ui.colored_label(ERROR_COLOUR, e);
    }
    if app.terrain.dem.is_none() {
        ui.weak("Used when elevation data is loaded (File › Load elevation data…).");
    }
    out
}
