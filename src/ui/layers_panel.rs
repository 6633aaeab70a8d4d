//! Left panel: basemap, reference layers, plan overlays, imported layers, legend.

use crate::app::{App, Ask, Command, LayerCommand, PlanCommand, SettingChange, TileKind, ViewCommand};
use crate::io::format::count;
use crate::map::style::rgb;
use crate::model::palette;
use crate::prefs::BasemapChoice;
use crate::ui::state::WindowsState;
use egui::{Color32, RichText, Ui};

pub fn layers_panel_ui(app: &App, windows: &mut WindowsState, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Layers");
        egui::CollapsingHeader::new("Basemap").default_open(true).show(ui, |ui| {
            let current = app.settings.basemap.clone();
            let online_off = app.settings.online_tiles == crate::prefs::OnlineTiles::Disabled;
            for choice in [BasemapChoice::Vector, BasemapChoice::OpenStreetMap] {
                let enabled = !(online_off && choice == BasemapChoice::OpenStreetMap);
                let radio = ui
                    .add_enabled(enabled, egui::RadioButton::new(current == choice, choice.label()))
                    .on_disabled_hover_text("Online tiles are turned off (View › Allow online tile basemaps)");
                if radio.clicked() && current != choice {
                    out.push(ViewCommand::SetBasemap(choice).into());
                }
            }
            if matches!(current, BasemapChoice::MbTiles(_) | BasemapChoice::PmTiles(_) | BasemapChoice::Folder(_)) {
                let _ = ui.radio(true, current.label());
            }
            ui.horizontal_wrapped(|ui| {
                if ui.small_button("MBTiles…").clicked() {
                    out.push(Ask::Tiles(TileKind::MbTiles).into());
                }
                if ui.small_button("PMTiles…").clicked() {
                    out.push(Ask::Tiles(TileKind::PmTiles).into());
                }
                if ui.small_button("Tile folder…").clicked() {
                    out.push(Ask::Tiles(TileKind::Folder).into());
                }
            });
            let mut opacity = app.settings.tile_opacity;
            let slider = egui::Slider::new(&mut opacity, 0.0..=1.0).text("tile opacity");
            if ui.add_enabled(current != BasemapChoice::Vector, slider).changed() {
                out.push(ViewCommand::Setting(SettingChange::TileOpacity(opacity)).into());
            }
        });
        egui::CollapsingHeader::new("Reference (offline)").default_open(true).show(ui, |ui| {
            let mut l = app.settings.basemap_layers;
            ui.checkbox(&mut l.provinces, "Provinces");
            ui.add_enabled(l.provinces, egui::Checkbox::new(&mut l.province_names, "Province names"));
            ui.checkbox(&mut l.rivers, "Rivers");
            ui.checkbox(&mut l.lakes, "Lakes");
            ui.checkbox(&mut l.towns, "Towns");
            ui.checkbox(&mut l.crossings, "Bridge crossings (approx.)");
            ui.checkbox(&mut l.country_names, "Country names");
            ui.checkbox(&mut l.graticule, "Graticule");
            if l != app.settings.basemap_layers {
                out.push(ViewCommand::Setting(SettingChange::BasemapLayers(l)).into());
            }
        });
        egui::CollapsingHeader::new("Plan").default_open(true).show(ui, |ui| {
            let mut o = app.settings.overlays;
            ui.checkbox(&mut o.border, "Border line");
            ui.checkbox(&mut o.km_posts, "Km posts");
            ui.checkbox(&mut o.segments, "Segments (by stage)");
            ui.checkbox(&mut o.outposts, "Outposts (sample)");
            ui.add_enabled(o.outposts, egui::Checkbox::new(&mut o.outpost_labels, "Outpost labels"));
            ui.checkbox(&mut o.gaps, "Coverage gaps");
            ui.checkbox(&mut o.range_rings, "Sensor range rings");
            if app.terrain.dem.is_some() {
                ui.horizontal(|ui| {
                    ui.checkbox(&mut o.hillshade, "Hillshade");
                    ui.add_enabled(
                        o.hillshade,
                        egui::Slider::new(&mut o.hillshade_opacity, 0.1..=1.0).show_value(false).text("opacity"),
                    );
                });
            }
            if o != app.settings.overlays {
                out.push(ViewCommand::Setting(SettingChange::Overlays(o)).into());
            }
        });
        egui::CollapsingHeader::new(format!("Imported layers ({})", app.layers.len())).default_open(true).show(
            ui,
            |ui| {
                if app.layers.is_empty() {
                    ui.weak("None yet. File › Import layer…, or drop GeoJSON files on the window.");
                }
                if ui.button("Import layer…").clicked() {
                    out.push(Ask::Import.into());
                }
                for (i, layer) in app.layers.iter().enumerate() {
                    let mut style = layer.style.clone();
                    ui.separator();
                    ui.horizontal(|ui| {
                        let mut c = Color32::from_rgb(style.color[0], style.color[1], style.color[2]);
                        if ui.color_edit_button_srgba(&mut c).changed() {
                            style.color = [c.r(), c.g(), c.b()];
                        }
                        let path = layer.source_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
                        ui.checkbox(&mut style.visible, RichText::new(layer.name.clone()).strong()).on_hover_text(path);
                    });
                    ui.weak(format!(
                        "{}{}{}",
                        count(layer.stats.features, "feature", "features"),
                        if layer.stats.skipped > 0 {
                            format!(", {} skipped", layer.stats.skipped)
                        } else {
                            String::new()
                        },
                        if layer.stats.null_geometries > 0 {
                            format!(", {} no geometry", layer.stats.null_geometries)
                        } else {
                            String::new()
                        }
                    ));
                    import_notes_ui(layer, ui);
                    ui.add(egui::Slider::new(&mut style.opacity, 0.0..=1.0).text("opacity"));
                    ui.add(egui::Slider::new(&mut style.width_px, 0.5..=8.0).text("width"));
                    let current = style.label_property.clone().unwrap_or_else(|| "(none)".into());
                    egui::ComboBox::from_id_salt(("label", i))
                        .selected_text(format!("label: {current}"))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut style.label_property, None, "(none)");
                            for p in &layer.stats.property_names {
                                ui.selectable_value(&mut style.label_property, Some(p.clone()), p);
                            }
                        })
                        .response
                        .on_hover_text("Property used as the label");
                    ui.horizontal_wrapped(|ui| {
                        if ui.small_button("Up").on_hover_text("Move up (draw on top)").clicked() {
                            out.push(LayerCommand::Move { index: i, up: true }.into());
                        }
                        if ui.small_button("Down").on_hover_text("Move down").clicked() {
                            out.push(LayerCommand::Move { index: i, up: false }.into());
                        }
                        if ui.small_button("Zoom").clicked() {
                            out.push(ViewCommand::ZoomToLayer(i).into());
                        }
                        if ui.small_button("Table").clicked() {
                            windows.attribute_table = Some(i);
                        }
                        if ui.small_button("Remove").clicked() {
                            out.push(LayerCommand::Remove(i).into());
                        }
                    });
                    ui.horizontal_wrapped(|ui| {
                        let points = layer.stats.by_type.get("Point").copied().unwrap_or(0);
                        let lines = layer.stats.by_type.get("LineString").copied().unwrap_or(0)
                            + layer.stats.by_type.get("MultiLineString").copied().unwrap_or(0);
                        if points > 0 && ui.small_button("Use as outposts…").clicked() {
                            let prop = layer
                                .stats
                                .property_names
                                .iter()
                                .find(|p| p.eq_ignore_ascii_case("name"))
                                .cloned()
                                .unwrap_or_default();
                            windows.use_as_outposts = Some((i, prop));
                        }
                        if lines > 0 && ui.small_button("Use as border").clicked() {
                            out.push(PlanCommand::UseLayerAsBorder { layer: i }.into());
                        }
                    });
                    if style != layer.style {
                        out.push(LayerCommand::SetStyle { index: i, style }.into());
                    }
                }
            },
        );
        ui.separator();
        legend_ui(ui);
    });
    out
}

/// What the import of a layer reported (skipped features and why, warnings, notes), kept with the layer: a
/// collapsed line under it, opened to read them all.
fn import_notes_ui(layer: &crate::io::layer::Layer, ui: &mut Ui) {
    let s = &layer.stats;
    let problems = s.reasons.len() + s.warnings.len();
    if problems + s.notes.len() == 0 {
        return;
    }
    let title = if problems > 0 {
        RichText::new(count(problems, "import warning", "import warnings")).color(Color32::from_rgb(0xd5, 0x5e, 0x00))
    } else {
        RichText::new(count(s.notes.len(), "import note", "import notes"))
    };
    egui::CollapsingHeader::new(title).id_salt(("import_notes", layer.id())).show(ui, |ui| {
        for w in &s.warnings {
            ui.add(egui::Label::new(format!("• {w}")).wrap());
        }
        for r in &s.reasons {
            ui.add(egui::Label::new(format!("• skipped: {r}")).wrap());
        }
        if s.skipped > s.reasons.len() {
            ui.weak(format!("… and {} more skipped", s.skipped - s.reasons.len()));
        }
        for n in &s.notes {
            ui.add(egui::Label::new(RichText::new(format!("• {n}")).weak()).wrap());
        }
    });
}

pub fn legend_ui(ui: &mut Ui) {
    ui.label(RichText::new("Legend").strong());
    let row = |ui: &mut Ui, c: Color32, text: &str, square: bool| {
        ui.horizontal(|ui| {
            let (r, p) = ui.allocate_painter(egui::vec2(26.0, 14.0), egui::Sense::hover());
            let rect = r.rect;
            if square {
                p.rect_filled(egui::Rect::from_center_size(rect.center(), egui::vec2(11.0, 11.0)), 1.5, c);
            } else {
                p.line_segment([rect.left_center(), rect.right_center()], egui::Stroke::new(5.0, c));
            }
            ui.label(text);
        });
    };
    row(ui, rgb(palette::STAGE2), "Stage 2 — 2026–27, selected outposts", false);
    row(ui, rgb(palette::STAGE3), "Stage 3 — 2027–29, entire frontier", false);
    row(ui, rgb(palette::UNPLANNED), "Unplanned", false);
    row(ui, rgb(palette::GAP), "Stage-3 coverage gap", false);
    row(ui, rgb(palette::STAGE2), "Outpost (colour = stage)", true);
    ui.weak("Colours: Okabe–Ito, colour-blind safe. Outposts are illustrative sample positions.");
}
