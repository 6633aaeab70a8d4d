//! [`App::apply`]: one command in, the state changed, errors to the status bar. Nothing here opens a dialog or
//! calls `apply` again: a command that needs a path leaves an [`Ask`] for the window.

use super::command::{Ask, Command, FileCommand, LayerCommand, PlanCommand, SelectCommand, SettingChange, ViewCommand};
use super::selection::{SelectMode, Selection};
use super::{App, Pending, Tool, imports};
use crate::io::format::count;
use crate::model::Edit;
use crate::prefs::BasemapChoice;

impl App {
    /// Carries out a command. Errors go to the status bar; nothing here panics.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Plan(c) => self.apply_plan(c),
            Command::Select(c) => self.apply_select(c),
            Command::View(c) => self.apply_view(ctx, c),
            Command::Layer(c) => self.apply_layer(c),
            Command::File(c) => self.apply_file(ctx, c),
            Command::Ask(a) => self.asks.push(a),
        }
    }

    /// Questions for the window raised since the last call (file dialogs to run).
    pub fn take_asks(&mut self) -> Vec<Ask> {
        std::mem::take(&mut self.asks)
    }

    fn apply_plan(&mut self, command: PlanCommand) {
        match command {
            PlanCommand::Edit(edit) => self.edit(edit),
            PlanCommand::Undo => match self.history.undo(&mut self.plan) {
                Some(label) => {
                    self.edited();
                    self.info(format!("Undid: {label}"));
                }
                None => self.info("Nothing to undo"),
            },
            PlanCommand::Redo => match self.history.redo(&mut self.plan) {
                Some(label) => {
                    self.edited();
                    self.info(format!("Redid: {label}"));
                }
                None => self.info("Nothing to redo"),
            },
            PlanCommand::UseLayerAsOutposts { layer, name_property } => {
                match self.layers.get(layer).map(|l| imports::outposts_from_layer(l, &name_property)) {
                    Some(Ok(outposts)) => self.edit(Edit::ReplaceOutposts(outposts)),
                    Some(Err(e)) => self.error(e),
                    None => {}
                }
            }
            PlanCommand::RebaseOnCurrentBorder => self.rebase_on_current_border(),
            PlanCommand::KeepOwnBorder => self.rebase_offer = None,
            PlanCommand::UseLayerAsBorder { layer } => match self.layers.get(layer).map(imports::border_from_layer) {
                Some(Ok(line)) => self.edit(Edit::ReplaceBorder(line)),
                Some(Err(e)) => self.error(e),
                None => {}
            },
        }
    }

    /// Applies an edit through the history: one undo step each, an assignment's change named by what it set
    /// ("Set quantity of A-0003 to 5"), so two edits of one row are two steps.
    fn edit(&mut self, edit: Edit) {
        let row_before = match &edit {
            Edit::UpdateAssignment(a) => {
                self.plan.assignments.position(&a.id).map(|i| (i, self.plan.assignments[i].clone()))
            }
            _ => None,
        };
        let applied = match (&row_before, &edit) {
            (Some((_, before)), Edit::UpdateAssignment(after)) => {
                let label = change_label(before, after);
                self.history.apply_named(&mut self.plan, edit, label)
            }
            _ => self.history.apply(&mut self.plan, edit),
        };
        match applied {
            Ok(()) => {
                self.pending_row_edit = row_before;
                let label = self.history.undo_label().unwrap_or("edit").to_owned();
                self.edited();
                self.info(format!("{label} (Ctrl+Z to undo)"));
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn rebase_on_current_border(&mut self) {
        self.rebase_offer = None;
        let current = match crate::io::bundled::border() {
            Ok(b) => b,
            Err(e) => return self.error(format!("The bundled border cannot be read: {e}")),
        };
        match crate::model::rebase_edit(&self.plan, current.line()) {
            Ok((edit, report)) => {
                self.edit(edit);
                self.rebase_report = Some(report.lines());
            }
            Err(e) => self.error(format!("Cannot rebase the plan: {e}")),
        }
    }

    fn apply_select(&mut self, command: SelectCommand) {
        match command {
            SelectCommand::Targets(targets, mode) => {
                self.selection.apply(targets, mode);
                self.layer_pick = None;
            }
            SelectCommand::Clear => {
                self.selection.clear();
                self.layer_pick = None;
                self.km_marker = None;
                self.place_marker = None;
            }
            SelectCommand::KmRange { from_km, to_km } => {
                let t = Selection::targets_in_km_range(&self.plan, from_km, to_km);
                let n = t.len();
                self.selection.apply(t, SelectMode::Replace);
                self.layer_pick = None;
                self.info(format!(
                    "Selected {} between km {from_km:.1} and km {to_km:.1}",
                    count(n, "segment or outpost", "segments and outposts")
                ));
                // The map shows what was selected.
                if let Some(b) = self.selection_bounds() {
                    self.frame_bounds(b);
                }
            }
            SelectCommand::LayerFeature(pick) => {
                self.layer_pick = pick
                    .and_then(|(li, fi)| self.layers.get(li).filter(|l| fi < l.features.len()).map(|l| (l.id(), fi)));
                // The feature's properties are on the Selection tab: show it, whatever tab was open.
                if self.layer_pick.is_some() {
                    self.settings.show_right = true;
                    self.settings.right_tab = crate::app::settings::RightTab::Selection;
                }
            }
            SelectCommand::GoToKm(km) => self.go_to_km(km),
            SelectCommand::GoToPlace { lon, lat, label } => self.go_to_place(lon, lat, label),
        }
    }

    /// A searched border km: pinned on the map, its segment selected, the map centred on it at zoom 11.
    fn go_to_km(&mut self, km: f64) {
        let length = self.plan.border.length_km();
        if !(0.0..=length).contains(&km) {
            return self.error(format!("km {km:.1} is not on the border (0–{length:.1} km)"));
        }
        self.km_marker = Some(km);
        self.layer_pick = None;
        match self.plan.segments.segment_at_km(km) {
            Some(s) => {
                let (id, name) = (s.id.clone(), s.name.clone());
                self.selection.apply([crate::model::Target::Segment(id)], SelectMode::Replace);
                self.info(format!("Border km {km:.1}: segment {name}"));
            }
            None => self.info(format!("Border km {km:.1}")),
        }
        let p = self.plan.border.point_at_km(km);
        self.frame_bounds([p.x(), p.y(), p.x(), p.y()]);
    }

    fn go_to_place(&mut self, lon: f64, lat: f64, label: String) {
        if !(lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-85.0..=85.0).contains(&lat)) {
            return self.error(format!("{label}: {lat}, {lon} is not a position the map can show"));
        }
        let p = geo::Point::new(lon, lat);
        let km = self.plan.border.chainage_km(p);
        let away_km = self.plan.border.distance_m(p) / 1000.0;
        let mgrs = crate::io::coords::format(lon, lat, crate::io::coords::CoordFormat::Mgrs);
        let at = crate::io::coords::format(lon, lat, crate::io::coords::CoordFormat::Decimal);
        self.info(format!("{label}: {at} (MGRS {mgrs}), {away_km:.1} km from the border at km {km:.1}"));
        self.km_marker = None;
        self.place_marker = Some((p, label));
        self.frame_bounds([lon, lat, lon, lat]);
    }

    fn apply_view(&mut self, ctx: &egui::Context, command: ViewCommand) {
        match command {
            ViewCommand::ZoomToBorder => {
                let b = self.border_bounds();
                self.frame_bounds(b);
            }
            ViewCommand::ZoomToSelection => match self.selection_bounds() {
                Some(b) => self.frame_bounds(b),
                None => self.info("Nothing selected to zoom to"),
            },
            ViewCommand::ZoomToKm { from_km, to_km } => {
                let line = self.plan.border.substring(from_km, to_km);
                if let Some(r) = geo::BoundingRect::bounding_rect(&line) {
                    self.frame_bounds([r.min().x, r.min().y, r.max().x, r.max().y]);
                }
            }
            ViewCommand::ZoomToBounds(b) => self.frame_bounds(b),
            ViewCommand::ZoomToLayer(i) => match self.layers.get(i).and_then(|l| l.stats.bbox) {
                Some(b) => self.frame_bounds(b),
                None => self.info("This layer has no features to zoom to"),
            },
            ViewCommand::ZoomIn => {
                let _ = self.map_memory.zoom_in();
            }
            ViewCommand::ZoomOut => {
                let _ = self.map_memory.zoom_out();
            }
            ViewCommand::Pan { dx_px, dy_px } => self.pan(dx_px, dy_px),
            ViewCommand::SetBasemap(choice) => self.set_basemap(ctx, choice),
            ViewCommand::SetTool(tool) => {
                self.tool = tool;
                self.measure.clear();
            }
            ViewCommand::AddMeasurePoint(p) => {
                if self.tool == Tool::Measure {
                    self.measure.push(p);
                }
            }
            ViewCommand::MapArea(rect) => {
                // The map fitted the border into this area before drawing when it needed to.
                self.map_rect = rect;
                if rect.width() > 50.0 && rect.height() > 50.0 {
                    self.needs_fit = false;
                }
            }
            ViewCommand::Pointer { hover, cursor_lon_lat } => {
                self.hover = hover;
                self.cursor = cursor_lon_lat;
            }
            ViewCommand::SetTimeline(q) => {
                self.timeline = q;
                self.derived.set_timeline(&self.plan, q);
            }
            ViewCommand::SetPlaying(on) => self.playing = on,
            ViewCommand::Setting(change) => self.change_setting(change),
            ViewCommand::CloseRebaseReport => self.rebase_report = None,
            ViewCommand::CloseTerrainNotice => self.terrain.notice = None,
            ViewCommand::ProfileKm(km) => self.profile_km = km,
        }
    }

    fn change_setting(&mut self, change: SettingChange) {
        let s = &mut self.settings;
        match change {
            SettingChange::ShowLeft(on) => s.show_left = on,
            SettingChange::ShowRight(on) => s.show_right = on,
            SettingChange::ShowBottom(on) => s.show_bottom = on,
            SettingChange::Dark(on) => s.dark = on,
            SettingChange::CoordFormat(f) => s.coord_format = f,
            SettingChange::TileOpacity(o) => s.tile_opacity = o.clamp(0.0, 1.0),
            SettingChange::BasemapLayers(l) => s.basemap_layers = l,
            SettingChange::Overlays(o) => s.overlays = o,
            SettingChange::RightTab(t) => {
                s.show_right = true;
                s.right_tab = t;
            }
            SettingChange::BottomTab(t) => {
                s.show_bottom = true;
                s.bottom_tab = t;
            }
            SettingChange::OnlineTiles(o) => {
                self.settings.online_tiles = o;
                self.online_tiles_notice = false;
                if o == crate::prefs::OnlineTiles::Disabled && self.settings.basemap == BasemapChoice::OpenStreetMap {
                    self.raster = None;
                    self.settings.basemap = BasemapChoice::Vector;
                    self.info("Online tiles turned off: the built-in vector basemap is shown");
                }
            }
        }
    }

    fn apply_layer(&mut self, command: LayerCommand) {
        match command {
            LayerCommand::Remove(i) => {
                if i < self.layers.len() {
                    let l = self.layers.remove(i);
                    if self.layer_pick.is_some_and(|(id, _)| id == l.id()) {
                        self.layer_pick = None;
                    }
                    self.info(format!("Removed layer {}", l.name));
                }
            }
            LayerCommand::Move { index, up } => {
                let j = if up { index.checked_sub(1) } else { Some(index + 1) };
                if let Some(j) = j.filter(|j| *j < self.layers.len()) {
                    self.layers.swap(index, j);
                }
            }
            LayerCommand::SetStyle { index, style } => {
                if let Some(l) = self.layers.get_mut(index) {
                    l.style = style;
                }
            }
        }
    }

    fn apply_file(&mut self, ctx: &egui::Context, command: FileCommand) {
        match command {
            FileCommand::NewPlan => self.guarded(Pending::New),
            FileCommand::OpenPlan(p) => self.guarded(Pending::Open(Some(p))),
            FileCommand::ChoosePlan => self.guarded(Pending::Open(None)),
            FileCommand::Save => match self.plan_path.clone() {
                Some(p) => {
                    self.save_to(&p);
                }
                None => self.asks.push(Ask::SavePlan),
            },
            c @ FileCommand::SaveAs(_) => self.write_checked(c, false),
            FileCommand::Import(paths) => {
                for p in paths {
                    self.open_path(ctx, p);
                }
            }
            FileCommand::ImportTables { path, tables } => self.import_tables(ctx, &path, tables),
            FileCommand::CancelTableChoice(path) => {
                self.table_choices.retain(|c| c.path != path);
                self.info(format!("Import of {} cancelled", path.display()));
            }
            FileCommand::CancelImport(i) => {
                if let Some(job) = self.imports.get(i) {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            c @ (FileCommand::Export(..) | FileCommand::ExportMapImage(..)) => self.write_checked(c, false),
            FileCommand::ReplaceConfirmed(c) => self.write_checked(*c, true),
            FileCommand::AnswerReplace(replace) => self.answer_replace(replace),
            FileCommand::LoadDem(p) => {
                self.load_dem(&p);
            }
            FileCommand::CloseDem => self.unload_dem(),
            FileCommand::Recover => self.recover(),
            FileCommand::DiscardRecovery => self.discard_recovery(),
            FileCommand::Quit => self.guarded(Pending::Quit),
            FileCommand::Guard(answer) => self.answer_guard(answer),
            FileCommand::AskCancelled(ask) => self.ask_cancelled(ask),
            FileCommand::Disk(answer) => self.answer_disk(answer),
            FileCommand::MergeFromDisk => self.start_merge(false),
            FileCommand::DismissDiskBanner => self.dismiss_disk_banner(),
            FileCommand::FinishMerge(answers) => self.finish_merge(answers),
            FileCommand::CancelMerge => self.cancel_merge(),
            FileCommand::OpenFromDatabase { url, name } => self.guarded(Pending::OpenDatabase(url, name)),
            FileCommand::SaveToDatabase { url, name } => {
                self.start_database(super::database::DbTask::Save, &url, &name)
            }
            FileCommand::ListDatabase { url } => self.start_database(super::database::DbTask::List, &url, ""),
        }
    }
}

/// What an edit of one assignment set, for the undo step's name: "Set quantity of A-0003 to 5 (was 2)", "Set
/// status of A-0003 to delivered"; several fields at once: "Edit assignment A-0003 (quantity, note)".
fn change_label(before: &crate::model::Assignment, after: &crate::model::Assignment) -> String {
    let id = &after.id;
    let q = crate::io::format::fmt_qty;
    let mut changed: Vec<(&str, String)> = Vec::new();
    if before.quantity.total_cmp(&after.quantity).is_ne() {
        changed.push(("quantity", format!("{} (was {})", q(after.quantity), q(before.quantity))));
    }
    if before.quarter != after.quarter {
        changed.push(("quarter", format!("{} (was {})", after.quarter, before.quarter)));
    }
    if before.status != after.status {
        changed.push(("status", format!("{} (was {})", after.status.label(), before.status.label())));
    }
    if before.note != after.note {
        changed.push(("note", format!("“{}”", after.note)));
    }
    if before.supplier != after.supplier {
        changed.push(("supplier", after.supplier.clone()));
    }
    if before.stage != after.stage {
        changed.push(("stage", after.stage.number().to_string()));
    }
    if before.equipment_id != after.equipment_id {
        changed.push(("equipment", after.equipment_id.clone()));
    }
    match changed.as_slice() {
        [(field, value)] => format!("Set {field} of {id} to {value}"),
        [] => format!("Edit assignment {id}"),
        many => format!("Edit assignment {id} ({})", many.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")),
    }
}
