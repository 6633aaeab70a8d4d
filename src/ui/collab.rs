//! Several planners, one file: the changed-on-disk banner, the question when a save finds the file changed
//! (*Merge* / *Overwrite* / *Save as…* / *Cancel*) and the merge conflicts dialog (theirs or ours, per conflict).

use crate::app::{App, Command, DiskAnswer, FileCommand};
use crate::model::{Pick, Resolutions};
use egui::{Color32, Context, RichText, Ui};
use std::collections::HashMap;

const WARN: Color32 = Color32::from_rgb(0xd5, 0x5e, 0x00);

/// The banner under the menu bar while the plan file has changed on disk.
pub fn disk_banner_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(text) = app.disk_banner() else { return out };
    ui.horizontal(|ui| {
        ui.label(RichText::new(text).color(WARN).strong());
        if ui.button("Merge their changes").clicked() {
            out.push(FileCommand::MergeFromDisk.into());
        }
        if ui.button("Dismiss").clicked() {
            out.push(FileCommand::DismissDiskBanner.into());
        }
    });
    out
}

/// The refused-save question and the merge conflicts dialog. `picks` holds the answers chosen so far, by
/// conflict key.
pub fn collab_windows_ui(app: &App, picks: &mut HashMap<String, Pick>, ctx: &Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    if let Some(path) = &app.save_conflict {
        egui::Modal::new(egui::Id::unique("changed_on_disk")).show(ctx, |ui| {
            ui.heading("The file changed on disk");
            ui.label(format!(
                "{} was changed by someone else since you opened it. Saving now would replace their changes.",
                path.display()
            ));
            ui.horizontal(|ui| {
                let answers = [
                    ("Merge", DiskAnswer::Merge, "Combine their changes with yours, then save"),
                    ("Overwrite", DiskAnswer::Overwrite, "Replace the file with your plan: their changes are lost"),
                    ("Save as…", DiskAnswer::SaveAs, "Keep their file and save yours under another name"),
                    ("Cancel", DiskAnswer::Cancel, "Do not save now"),
                ];
                for (label, answer, hover) in answers {
                    let text = if answer == DiskAnswer::Merge { RichText::new(label).strong() } else { label.into() };
                    if ui.button(text).on_hover_text(hover).clicked() {
                        out.push(FileCommand::Disk(answer).into());
                    }
                }
            });
        });
    }
    let Some(review) = &app.merge_review else {
        picks.clear();
        return out;
    };
    egui::Modal::new(egui::Id::unique("merge_conflicts")).show(ctx, |ui| {
        ui.heading("Merge: both sides changed the same things");
        ui.label(format!(
            "Everything else is combined. For each of these, keep theirs (the file {}) or ours (this window):",
            review.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
            egui::Grid::new("conflicts").striped(true).num_columns(3).show(ui, |ui| {
                for c in &review.conflicts {
                    let key = c.key();
                    let mut pick = picks.get(&key).copied();
                    ui.label(c.line());
                    ui.radio_value(&mut pick, Some(Pick::Theirs), "theirs");
                    ui.radio_value(&mut pick, Some(Pick::Ours), "ours");
                    if let Some(p) = pick {
                        picks.insert(key, p);
                    }
                    ui.end_row();
                }
            });
        });
        let answered = review.conflicts.iter().filter(|c| picks.contains_key(&c.key())).count();
        ui.horizontal(|ui| {
            if ui.button("All theirs").clicked() {
                for c in &review.conflicts {
                    picks.insert(c.key(), Pick::Theirs);
                }
            }
            if ui.button("All ours").clicked() {
                for c in &review.conflicts {
                    picks.insert(c.key(), Pick::Ours);
                }
            }
            ui.separator();
            let all = answered == review.conflicts.len();
            let label = format!("Apply merge ({answered} of {} decided)", review.conflicts.len());
            if ui.add_enabled(all, egui::Button::new(RichText::new(label).strong())).clicked() {
                let each = picks.clone();
                out.push(FileCommand::FinishMerge(Resolutions { all: None, each }).into());
            }
            if ui.button("Cancel merge").clicked() {
                out.push(FileCommand::CancelMerge.into());
            }
        });
    });
    out
}

/// The small database dialog: a libpq URL and a plan name; Open or Save.
pub fn database_ui(form: &mut Option<(String, String, bool)>, ctx: &Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let Some((url, name, save)) = form.as_mut() else { return out };
    let mut open = true;
    let mut done = false;
    let title = if *save { "Save to database" } else { "Open from database" };
    egui::Window::new(title).open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
        ui.label("PostgreSQL/PostGIS connection (password in PGPASSWORD or ~/.pgpass):");
        ui.add(egui::TextEdit::singleline(url).desired_width(420.0).hint_text("postgresql://user@host:5432/dbname"));
        ui.label("Plan name");
        ui.add(egui::TextEdit::singleline(name).desired_width(420.0).hint_text("Plan name"));
        let ready = !url.trim().is_empty() && !name.trim().is_empty();
        let verb = if *save { "Save" } else { "Open" };
        if ui.add_enabled(ready, egui::Button::new(RichText::new(verb).strong())).clicked() {
            let (url, name) = (url.trim().to_owned(), name.trim().to_owned());
            out.push(if *save {
                FileCommand::SaveToDatabase { url, name }.into()
            } else {
                FileCommand::OpenFromDatabase { url, name }.into()
            });
            done = true;
        }
    });
    if !open || done {
        *form = None;
    }
    out
}
