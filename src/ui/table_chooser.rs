//! Import… of a GeoPackage with several feature tables: the planner ticks the tables to import (name, geometry
//! type, rows, CRS shown for each) or imports them all. One chooser at a time, for the oldest waiting file.

use std::path::PathBuf;

use crate::app::{App, Command, FileCommand};
use crate::io::format::count;
use egui::Context;

/// The ticks of the chooser on screen, for the file they belong to.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TableChooserState {
    pub path: Option<PathBuf>,
    pub ticked: Vec<bool>,
}

pub fn table_chooser_ui(app: &App, state: &mut TableChooserState, ctx: &Context) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(choice) = app.table_choices.first() else {
        *state = TableChooserState::default();
        return out;
    };
    if state.path.as_ref() != Some(&choice.path) || state.ticked.len() != choice.tables.len() {
        *state = TableChooserState { path: Some(choice.path.clone()), ticked: vec![false; choice.tables.len()] };
    }
    let file_name =
        choice.path.file_name().map_or_else(|| choice.path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut open = true;
    super::windows::map_window(app, "Import from GeoPackage", 32.0)
        .id(egui::Id::unique("gpkg-table-chooser"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(format!(
                "{file_name} holds {}. Tick the ones to import; each becomes its own layer.",
                count(choice.tables.len(), "feature table", "feature tables")
            ));
            ui.add_space(4.0);
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                egui::Grid::new("gpkg-tables").num_columns(4).striped(true).spacing([14.0, 4.0]).show(ui, |ui| {
                    ui.strong("Table");
                    ui.strong("Geometry");
                    ui.strong("Rows");
                    ui.strong("CRS");
                    ui.end_row();
                    for (table, ticked) in choice.tables.iter().zip(state.ticked.iter_mut()) {
                        ui.checkbox(ticked, &table.name);
                        ui.label(&table.geometry_type);
                        ui.label(table.rows.to_string());
                        ui.label(&table.srs);
                        ui.end_row();
                    }
                });
            });
            ui.separator();
            let chosen: Vec<String> = choice
                .tables
                .iter()
                .zip(&state.ticked)
                .filter(|(_, ticked)| **ticked)
                .map(|(t, _)| t.name.clone())
                .collect();
            ui.horizontal(|ui| {
                let label = format!("Import {}", count(chosen.len(), "table", "tables"));
                if ui.add_enabled(!chosen.is_empty(), egui::Button::new(label)).clicked() {
                    out.push(
                        FileCommand::ImportTables { path: choice.path.clone(), tables: Some(chosen.clone()) }.into(),
                    );
                }
                if ui.button("Import all").clicked() {
                    out.push(FileCommand::ImportTables { path: choice.path.clone(), tables: None }.into());
                }
                if ui.button("Cancel").clicked() {
                    out.push(FileCommand::CancelTableChoice(choice.path.clone()).into());
                }
            });
        });
    if !open {
        out.push(FileCommand::CancelTableChoice(choice.path.clone()).into());
    }
    out
}
