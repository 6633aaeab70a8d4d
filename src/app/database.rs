//! The shared plan in the window: listing, opening and saving run on a worker thread, so a slow or dead
//! database never freezes the window. The worker reports its stage and its result as messages that
//! [`App::poll_database`] folds in at the start of a frame; the dialog and the status bar show "connecting…"
//! meanwhile.
//!
//! The plan is never lost: a save pushes a copy; when the planner edited while it was pushing and the database
//! merged newer changes, the window merges once more (pushed copy → window, pushed copy → stored) or, when that
//! overlaps, keeps the window's plan and says so.

use super::App;
use super::collab::{MergeReview, MergeSource};
use crate::io::db::{self, DbError, PlanEntry, Pushed};
use crate::model::{Edit, Plan, Resolutions, merge};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

/// What a database job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbTask {
    List,
    Open,
    Save,
}

enum Reply {
    Stage(&'static str),
    Listed(Result<Vec<PlanEntry>, DbError>),
    Pulled(Result<Plan, DbError>),
    Pushed(Result<Pushed, DbError>),
    /// A push refused for conflicts, with the two stored versions the planner's merge needs: the version the
    /// pushed plan was pulled from (its base) and the current one (`None` when the plan has no base there, or
    /// they could not be read: then the refusal stands).
    Conflicted(DbError, Option<Box<(Plan, Plan)>>),
}

/// A database job under way.
pub struct DbJob {
    pub task: DbTask,
    pub serial: u64,
    /// Host, port and database of the URL (for messages).
    pub target: String,
    /// The URL as given (a merge after a refused push pushes there again).
    url: String,
    pub name: String,
    pub started: Instant,
    /// What the worker is doing now ("connecting", "saving").
    pub stage: &'static str,
    /// The plan as pushed (Save) and the plan generation when the job started.
    pushed_copy: Option<Plan>,
    generation: u64,
    replies: Receiver<Reply>,
}

/// How the last database job ended.
#[derive(Debug, Clone, PartialEq)]
pub struct DbOutcome {
    pub serial: u64,
    pub task: DbTask,
    pub ok: bool,
    pub text: String,
    /// One line per conflict of a refused push.
    pub conflicts: Vec<String>,
}

#[derive(Default)]
pub struct DbState {
    pub job: Option<DbJob>,
    pub last: Option<DbOutcome>,
    /// The plans listed by the last List: (URL, plans).
    pub listed: Option<(String, Vec<PlanEntry>)>,
    /// Serial of the newest job started.
    pub serial: u64,
}

impl DbJob {
    /// "Saving “x” to 127.0.0.1:5432/plans: connecting… 3 s".
    pub fn progress(&self) -> String {
        let what = match self.task {
            DbTask::List => format!("Listing the plans at {}", self.target),
            DbTask::Open => format!("Opening “{}” from {}", self.name, self.target),
            DbTask::Save => format!("Saving “{}” to {}", self.name, self.target),
        };
        format!("{what}: {}… {} s", self.stage, self.started.elapsed().as_secs())
    }
}

/// Pushes `plan`; a push refused for conflicts also reads the two versions a merge needs.
fn push_reply(client: Result<postgres::Client, DbError>, url: &str, plan: &Plan, name: &str) -> Reply {
    let mut client = match client {
        Ok(c) => c,
        Err(e) => return Reply::Pushed(Err(e)),
    };
    match db::push(&mut client, url, plan, name) {
        Err(DbError::Conflicts { name: n, current, conflicts }) => {
            let base = db::Origin::of(plan).filter(|o| o.name == name).map(|o| o.version);
            let sides = base.and_then(|b| {
                let base = db::pull_version(&mut client, url, name, b).ok()?;
                let theirs = db::pull_version(&mut client, url, name, current).ok()?;
                Some(Box::new((base, theirs)))
            });
            Reply::Conflicted(DbError::Conflicts { name: n, current, conflicts }, sides)
        }
        other => Reply::Pushed(other),
    }
}

impl App {
    /// Starts a database job on a worker thread; refused while another one runs.
    pub fn start_database(&mut self, task: DbTask, url: &str, name: &str) {
        if let Some(job) = &self.db.job {
            return self.error(format!("Wait for the database: {}", job.progress()));
        }
        let (tx, replies) = channel::<Reply>();
        let pushed_copy = (task == DbTask::Save).then(|| self.plan.clone());
        let (url_owned, name_owned, copy) = (url.to_owned(), name.to_owned(), pushed_copy.clone());
        let spawned = std::thread::Builder::new().name("database".into()).spawn(move || {
            let _ = tx.send(Reply::Stage("connecting"));
            let client = db::connect(&url_owned);
            let stage = match task {
                DbTask::List => "listing",
                DbTask::Open => "reading",
                DbTask::Save => "writing",
            };
            if client.is_ok() {
                let _ = tx.send(Reply::Stage(stage));
            }
            let reply = match (task, copy) {
                (DbTask::Save, Some(plan)) => push_reply(client, &url_owned, &plan, &name_owned),
                (DbTask::Open, _) => Reply::Pulled(client.and_then(|mut c| db::pull(&mut c, &url_owned, &name_owned))),
                _ => Reply::Listed(client.and_then(|mut c| db::list(&mut c))),
            };
            let _ = tx.send(reply);
        });
        if let Err(e) = spawned {
            return self.error(format!("Cannot start the database thread: {e}"));
        }
        self.db.serial += 1;
        self.db.job = Some(DbJob {
            task,
            serial: self.db.serial,
            target: db::target_of(url),
            url: url.to_owned(),
            name: name.to_owned(),
            started: Instant::now(),
            stage: "starting",
            pushed_copy,
            generation: self.generation,
            replies,
        });
        if let Some(job) = &self.db.job {
            self.info(job.progress());
        }
    }

    /// Folds in what the database worker reported; true when a job ended.
    pub fn poll_database(&mut self) -> bool {
        let Some(job) = self.db.job.as_mut() else { return false };
        let reply = loop {
            match job.replies.try_recv() {
                Ok(Reply::Stage(s)) => job.stage = s,
                Ok(done) => break done,
                Err(TryRecvError::Empty) => {
                    let text = job.progress();
                    if self.status.as_ref().is_none_or(|m| !m.error) {
                        self.progress(text);
                    }
                    return false;
                }
                Err(TryRecvError::Disconnected) => {
                    let job = self.db.job.take();
                    let serial = job.map(|j| j.serial).unwrap_or_default();
                    self.db_outcome(serial, DbTask::List, Err("the database thread stopped unexpectedly".into()));
                    return true;
                }
            }
        };
        let Some(job) = self.db.job.take() else { return false };
        let at = &job.target;
        let name = &job.name;
        let result = match reply {
            Reply::Stage(_) => return false,
            Reply::Listed(Ok(plans)) => {
                let text = format!("{} at {at}", crate::io::format::count(plans.len(), "plan", "plans"));
                self.db.listed = Some((at.clone(), plans));
                Ok(text)
            }
            Reply::Listed(Err(e)) => Err(format!("Cannot list the plans at {at}: {e}")),
            Reply::Pulled(Ok(plan)) => self.opened(plan, &job),
            Reply::Pulled(Err(e)) => Err(format!("Could not open “{name}” from {at}: {e}")),
            Reply::Pushed(Ok(p)) => self.pushed(p, &job),
            Reply::Pushed(Err(DbError::Conflicts { name: n, current, conflicts })) => {
                self.refused_push(&job, &n, current, conflicts, None);
                return true;
            }
            Reply::Conflicted(DbError::Conflicts { name: n, current, conflicts }, sides) => {
                self.refused_push(&job, &n, current, conflicts, sides);
                return true;
            }
            Reply::Conflicted(e, _) => Err(format!("Not saved to the database at {at}: {e}")),
            Reply::Pushed(Err(e)) => Err(format!("Not saved to the database at {at}: {e}")),
        };
        let saved = job.task == DbTask::Save && result.is_ok();
        self.db_outcome(job.serial, job.task, result);
        if job.task == DbTask::Save {
            self.continue_after_save(saved);
        }
        true
    }

    /// A push a newer version conflicts with: the plan is kept; with both stored versions at hand the merge
    /// dialog opens (theirs or ours per conflict, then pushed again), else the refusal says what conflicts.
    fn refused_push(
        &mut self,
        job: &DbJob,
        name: &str,
        current: i64,
        conflicts: Vec<crate::model::Conflict>,
        sides: Option<Box<(Plan, Plan)>>,
    ) {
        let at = &job.target;
        let lines: Vec<String> = conflicts.iter().map(|c| c.line()).collect();
        let n = crate::io::format::count(lines.len(), "conflict", "conflicts");
        let resolvable = sides.is_some() && self.merge_review.is_none();
        let text = if resolvable {
            format!(
                "Not saved to {at} yet: version {current} of “{name}” changed the same things ({n}); your plan is \
                 kept; decide each conflict in the merge dialog, then it is saved"
            )
        } else {
            format!("Not saved to {at}: the push conflicts with version {current} of “{name}” ({n}); your plan is kept")
        };
        self.continue_after_save(false);
        self.error(text.clone());
        self.db.last = Some(DbOutcome { serial: job.serial, task: job.task, ok: false, text, conflicts: lines });
        if let (Some(sides), true) = (sides, resolvable) {
            let (base, theirs) = *sides;
            let url = job.url.clone();
            // The window's plan may have changed while it was pushing: the merge takes it as it is now.
            match merge::merge(&base, &self.plan, &theirs, &Resolutions::default()) {
                Ok(m) if !m.conflicts.is_empty() => {
                    let source =
                        MergeSource::Database { url, name: name.to_owned(), version: current, base: Box::new(base) };
                    self.merge_review = Some(MergeReview { theirs, source, conflicts: m.conflicts, save_after: true });
                }
                // Edits made meanwhile settled it: nothing left to decide.
                Ok(m) => self.finish_database_merge((&url, name, current), &theirs, m.plan, 0),
                Err(e) => self.error(format!("Cannot merge with version {current} of “{name}”: {e}")),
            }
        }
    }

    fn db_outcome(&mut self, serial: u64, task: DbTask, result: Result<String, String>) {
        let (ok, text) = match result {
            Ok(t) => {
                self.info(t.clone());
                (true, t)
            }
            Err(t) => {
                self.error(t.clone());
                (false, t)
            }
        };
        self.db.last = Some(DbOutcome { serial, task, ok, text, conflicts: Vec::new() });
    }

    fn opened(&mut self, plan: Plan, job: &DbJob) -> Result<String, String> {
        let name = &job.name;
        if self.generation != job.generation {
            return Err(format!(
                "“{name}” was read but not opened: the plan was edited meanwhile; Open from database again"
            ));
        }
        let version = db::Origin::of(&plan).map(|o| o.version).unwrap_or_default();
        self.install_plan(plan, None, None);
        self.needs_fit = true;
        Ok(format!("Opened “{name}” version {version} from {}", job.target))
    }

    fn pushed(&mut self, p: Pushed, job: &DbJob) -> Result<String, String> {
        let (name, at, version) = (&job.name, &job.target, p.version);
        let edited_meanwhile = self.generation != job.generation;
        if !p.merged {
            // Only the recorded origin (name and version) changes; later edits stay on top of it.
            if let Some(origin) = p.plan.extra.get(db::ORIGIN_MEMBER) {
                self.plan.extra.insert(db::ORIGIN_MEMBER.into(), origin.clone());
                self.changed_outside_history();
            }
            self.edited();
            self.saved_in_database(&p.plan, edited_meanwhile);
            return Ok(format!("Saved as “{name}” version {version} in {at}"));
        }
        let target = if let Some(copy) = job.pushed_copy.as_ref().filter(|_| edited_meanwhile) {
            match merge::merge(copy, &self.plan, &p.plan, &Resolutions::default()) {
                Ok(m) if m.conflicts.is_empty() => m.plan,
                _ => {
                    return Err(format!(
                        "Saved as “{name}” version {version} in {at}, merged with newer changes, but your edits \
                         since overlap them: your plan is kept as it is; Save to database again to merge"
                    ));
                }
            }
        } else {
            p.plan.clone()
        };
        if let Err(e) = self.history.apply(&mut self.plan, Edit::Merge(Box::new(target))) {
            return Err(format!("Saved to {at}, but the merged plan cannot be shown: {e}"));
        }
        self.edited();
        self.saved_in_database(&p.plan, edited_meanwhile);
        Ok(format!("Saved as “{name}” version {version} in {at}, merged with newer changes (Ctrl+Z to undo)"))
    }

    /// A plan that lives in the database (no file) is saved once its push landed: the stored version is what
    /// "unsaved?" compares with (edits made while it was pushing stay unsaved). A plan with a file stays unsaved
    /// until the file is written.
    fn saved_in_database(&mut self, stored: &Plan, edited_meanwhile: bool) {
        if self.plan_path.is_some() {
            return;
        }
        if edited_meanwhile {
            self.saved_plan = Some(stored.clone());
            self.changed_outside_history();
            self.edited();
        } else {
            self.mark_saved();
        }
    }
}
