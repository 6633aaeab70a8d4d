//! Several planners, one file: the changed-on-disk check before a save, the banner while the window is open, and
//! the three-way merge of the window's plan with the file as it is now (base = what was opened or last saved).
//!
//! A save never overwrites a file that changed since it was opened: [`App::save_to`] stops and leaves
//! [`App::save_conflict`] for the window, which asks *Merge* / *Overwrite* / *Save as…* / *Cancel*. A merge with
//! conflicts waits in [`App::merge_review`] for one answer per conflict; its result is one undoable edit. A push
//! to the database that a newer version conflicts with goes through the same dialog, then is pushed again.

use super::App;
use super::command::{Ask, DiskAnswer};
use crate::io::disk::{DiskState, FileStamp};
use crate::io::plan_file;
use crate::model::{Conflict, Edit, Plan, Resolutions, merge};
use std::path::{Path, PathBuf};

/// Seconds between two looks at the plan file while the window is open (a `stat`; hashing only on a change).
pub const DISK_CHECK_SECS: f64 = 3.0;

/// A merge waiting for the planner's answers.
#[derive(Debug, Clone)]
pub struct MergeReview {
    /// The other side: the file as it is now, or the database's current version.
    pub theirs: Plan,
    /// Where the other side comes from.
    pub source: MergeSource,
    /// One per conflict, in plan order.
    pub conflicts: Vec<Conflict>,
    /// Save the merged plan once it is done (the merge was the answer to a refused save).
    pub save_after: bool,
}

/// Where the other side of a merge comes from.
#[derive(Debug, Clone)]
pub enum MergeSource {
    /// The plan file as it is now (the base is the plan as last opened or saved).
    File { stamp: FileStamp, path: PathBuf },
    /// A push to the database refused because a newer version changed the same things: `base` is the version
    /// the window's plan was pulled from, `theirs` (in the review) the current `version`.
    Database { url: String, name: String, version: i64, base: Box<Plan> },
}

impl MergeReview {
    /// The other side in words, for the dialog: "the file plan.geojson", "version 4 of “north” in the database".
    pub fn theirs_label(&self) -> String {
        match &self.source {
            MergeSource::File { path, .. } => {
                format!("the file {}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
            }
            MergeSource::Database { name, version, url, .. } => {
                format!("version {version} of “{name}” in {}", crate::io::db::target_of(url))
            }
        }
    }
}

impl App {
    /// True (and the save refused, with the question left for the window) when `path` is the plan's own file and
    /// it changed on disk since it was opened or saved.
    pub(super) fn refuse_changed_file(&mut self, path: &Path) -> bool {
        if self.plan_path.as_deref() != Some(path) {
            return false;
        }
        let Some(stamp) = &self.disk_stamp else { return false };
        match stamp.check_content(path) {
            Ok(DiskState::Unchanged | DiskState::Missing) => false,
            Ok(DiskState::Changed(_)) => {
                self.disk_changed = true;
                self.save_conflict = Some(path.to_owned());
                self.error(format!(
                    "{} was changed on disk since you opened it: not overwritten. Merge, overwrite, save as… or cancel",
                    path.display()
                ));
                true
            }
            Err(e) => {
                self.error(format!("Not saved: cannot check whether the file changed on disk: {e}"));
                true
            }
        }
    }

    /// The planner's answer to "the file changed on disk".
    pub(super) fn answer_disk(&mut self, answer: DiskAnswer) {
        let Some(path) = self.save_conflict.take() else { return };
        match answer {
            DiskAnswer::Merge => self.start_merge_with(path, true),
            DiskAnswer::Overwrite => {
                self.write_plan(&path);
            }
            DiskAnswer::SaveAs => self.asks.push(Ask::SavePlan),
            DiskAnswer::Cancel => self.info("Not saved"),
        }
    }

    /// Looks at the plan file every few seconds and when the window gains focus.
    pub fn watch_disk(&mut self, now_secs: f64, focused: bool) {
        let gained = focused && !self.was_focused;
        self.was_focused = focused;
        if !gained && now_secs - self.last_disk_check < DISK_CHECK_SECS {
            return;
        }
        self.last_disk_check = now_secs;
        self.check_disk_now();
    }

    /// Compares the plan file with what was opened or saved; a change raises the banner.
    pub fn check_disk_now(&mut self) {
        let (Some(path), Some(stamp)) = (self.plan_path.clone(), self.disk_stamp.clone()) else { return };
        if self.disk_changed || stamp.same_stat(&path) {
            return;
        }
        match stamp.check(&path) {
            Ok(DiskState::Changed(now)) => self.disk_changed = self.ignored_stamp.as_ref() != Some(&now),
            Ok(DiskState::Unchanged) => self.disk_stamp = Some(stamp.restat(&path)),
            Ok(DiskState::Missing) => {}
            Err(e) => self.error(format!("Cannot check the plan file: {e}")),
        }
    }

    /// The banner's text while the plan file has changed on disk.
    pub fn disk_banner(&self) -> Option<String> {
        let path = self.plan_path.as_ref().filter(|_| self.disk_changed)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Some(format!("{name} was changed on disk by someone else since you opened it."))
    }

    pub(super) fn dismiss_disk_banner(&mut self) {
        self.disk_changed = false;
        // Shown again only when the file changes once more.
        if let (Some(path), Some(stamp)) = (&self.plan_path, &self.disk_stamp)
            && let Ok(DiskState::Changed(now)) = stamp.check(path)
        {
            self.ignored_stamp = Some(now);
        }
    }

    /// Merges the file as it is now into the window's plan: at once when nothing conflicts, else through the
    /// conflicts dialog.
    pub(super) fn start_merge(&mut self, save_after: bool) {
        let Some(path) = self.plan_path.clone() else { return };
        self.start_merge_with(path, save_after);
    }

    /// As [`App::start_merge`] with the plan file at `path`: the plan's own file, or (after Save as… found a plan
    /// there) another one, which becomes the plan's file when the merge is saved.
    fn start_merge_with(&mut self, path: PathBuf, save_after: bool) {
        let (theirs, stamp) = match plan_file::load_stamped(&path) {
            Ok(r) => r,
            Err(e) => return self.error(format!("Cannot merge: {e}")),
        };
        let Some(base) = self.saved_plan.clone() else {
            return self.error("Cannot merge: the plan as it was opened is not known; use Save as…");
        };
        match merge::merge(&base, &self.plan, &theirs, &Resolutions::default()) {
            Ok(m) if m.conflicts.is_empty() => {
                self.finish_merge_with(theirs, stamp, path, m.plan, 0, save_after);
            }
            Ok(m) => {
                self.info(format!(
                    "{} to decide before the merge",
                    crate::io::format::count(m.conflicts.len(), "conflict", "conflicts")
                ));
                let source = MergeSource::File { stamp, path };
                self.merge_review = Some(MergeReview { theirs, source, conflicts: m.conflicts, save_after });
            }
            Err(e) => self.error(format!("Cannot merge: {e}")),
        }
    }

    /// The planner answered every conflict of the merge under review.
    pub(super) fn finish_merge(&mut self, answers: Resolutions) {
        let Some(review) = self.merge_review.take() else { return };
        let base = match &review.source {
            MergeSource::File { .. } => self.saved_plan.clone(),
            MergeSource::Database { base, .. } => Some(base.as_ref().clone()),
        };
        let Some(base) = base else { return };
        match merge::merge(&base, &self.plan, &review.theirs, &answers) {
            Ok(m) if m.conflicts.is_empty() => match review.source {
                MergeSource::File { stamp, path } => {
                    self.finish_merge_with(review.theirs, stamp, path, m.plan, m.resolved, review.save_after);
                }
                MergeSource::Database { url, name, version, .. } => {
                    self.finish_database_merge((&url, &name, version), &review.theirs, m.plan, m.resolved);
                }
            },
            Ok(m) => {
                self.error(format!(
                    "{} still open",
                    crate::io::format::count(m.conflicts.len(), "conflict", "conflicts")
                ));
                self.merge_review = Some(MergeReview { conflicts: m.conflicts, ..review });
            }
            Err(e) => self.error(format!("Cannot merge: {e}")),
        }
    }

    /// A refused push merged with the database's current version as the planner decided: one undo step, then
    /// pushed again as the version after it.
    pub(super) fn finish_database_merge(
        &mut self,
        (url, name, version): (&str, &str, i64),
        theirs: &Plan,
        merged: Plan,
        resolved: usize,
    ) {
        // The merged plan is based on their version: its origin is theirs (the next push is its successor).
        let merged = match crate::io::db::Origin::of(theirs) {
            Some(origin) => crate::io::db::with_origin(merged, &origin),
            None => merged,
        };
        if merged != self.plan
            && let Err(e) = self.history.apply(&mut self.plan, Edit::Merge(Box::new(merged)))
        {
            return self.error(format!("Cannot merge: {e}"));
        }
        self.edited();
        let decided = if resolved > 0 { format!(", {resolved} decided by you") } else { String::new() };
        self.info(format!(
            "Merged with version {version} of “{name}”{decided} (Ctrl+Z to undo); saving to the database"
        ));
        self.start_database(super::database::DbTask::Save, url, name);
    }

    pub(super) fn cancel_merge(&mut self) {
        if self.merge_review.take().is_some() {
            self.info("Merge cancelled; the file was not changed");
        }
    }

    /// Applies a finished merge as one undo step; the file as it is now becomes the base.
    fn finish_merge_with(
        &mut self,
        theirs: Plan,
        stamp: FileStamp,
        path: PathBuf,
        merged: Plan,
        resolved: usize,
        save_after: bool,
    ) {
        if merged != self.plan
            && let Err(e) = self.history.apply(&mut self.plan, Edit::Merge(Box::new(merged)))
        {
            return self.error(format!("Cannot merge: {e}"));
        }
        self.saved_plan = Some(theirs);
        self.changed_outside_history();
        // The merged file is the plan's file now (Save as… onto another plan merges with that one).
        self.plan_path = Some(path.clone());
        self.disk_stamp = Some(stamp);
        self.disk_changed = false;
        self.edited();
        let decided = if resolved > 0 { format!(", {resolved} decided by you") } else { String::new() };
        self.info(format!("Merged the changes in {}{decided} (Ctrl+Z to undo)", path.display()));
        if save_after {
            self.save_to(&path);
        }
    }
}
