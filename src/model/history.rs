//! Undo and redo as inverse changes: a step keeps what the edit replaced, not a copy of the plan. Editing one
//! row of a 50,000-row plan keeps that row; adding rows keeps their positions; removing rows keeps the rows.
//! Edits of the catalog, the plan details or a segment name keep the old catalog, details or segments. Only the
//! edits that move many rows at once (split, merge, new outposts, a new border) keep a whole copy of the plan,
//! which shares the border line; each is still one step.

use super::assignment_list::assignment_bytes;
use super::equipment::Catalog;
use super::plan::{Assignment, Edit, EditError, Plan, PlanMeta};
use super::segments::Segmentation;
use std::collections::VecDeque;

/// What turns the plan back into its state before one step (or, from the redo list, after it).
#[derive(Debug, Clone)]
pub enum Inverse {
    /// Remove the rows at these positions (ascending): undoes an addition.
    RemoveAt(Vec<usize>),
    /// Put these rows back at these positions (ascending): undoes a removal.
    Restore(Vec<(usize, Assignment)>),
    /// Put this row back at this position: undoes an update.
    Replace(usize, Box<Assignment>),
    Meta(Box<PlanMeta>),
    Catalog(Catalog),
    Segments(Segmentation),
    /// A member of the plan's header as it was (`None`: absent), e.g. the terrain settings.
    Member(String, Option<serde_json::Value>),
    /// The whole plan before the edit (the border line is shared, not copied).
    Whole(Box<Plan>),
}

impl Inverse {
    /// Applies this to `plan` and returns what reverses it.
    pub fn revert(self, plan: &mut Plan) -> Inverse {
        match self {
            Inverse::RemoveAt(positions) => {
                let mut wanted = positions.iter().copied().peekable();
                let mut index = 0;
                let removed = plan.assignments.remove_where(|_| {
                    let hit = wanted.peek() == Some(&index);
                    if hit {
                        wanted.next();
                    }
                    index += 1;
                    hit
                });
                Inverse::Restore(removed)
            }
            Inverse::Restore(rows) => {
                let positions = rows.iter().map(|(i, _)| *i).collect();
                plan.assignments.restore(rows);
                Inverse::RemoveAt(positions)
            }
            Inverse::Replace(i, a) => match plan.assignments.replace(i, *a) {
                Some(old) => Inverse::Replace(i, Box::new(old)),
                None => Inverse::RemoveAt(Vec::new()),
            },
            Inverse::Meta(m) => Inverse::Meta(Box::new(std::mem::replace(&mut plan.meta, *m))),
            Inverse::Catalog(c) => Inverse::Catalog(std::mem::replace(&mut plan.catalog, c)),
            Inverse::Segments(s) => Inverse::Segments(std::mem::replace(&mut plan.segments, s)),
            Inverse::Member(key, old) => {
                let now = match old {
                    Some(v) => plan.extra.insert(key.clone(), v),
                    None => plan.extra.remove(&key),
                };
                Inverse::Member(key, now)
            }
            Inverse::Whole(p) => Inverse::Whole(Box::new(std::mem::replace(plan, *p))),
        }
    }

    /// Heap and inline bytes this step keeps, roughly.
    pub fn estimated_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + match self {
                Inverse::RemoveAt(p) => p.capacity() * std::mem::size_of::<usize>(),
                Inverse::Restore(rows) => rows.iter().map(|(_, a)| 8 + assignment_bytes(a)).sum(),
                Inverse::Replace(_, a) => assignment_bytes(a),
                Inverse::Meta(m) => std::mem::size_of::<PlanMeta>() + meta_bytes(m),
                Inverse::Catalog(c) => catalog_bytes(c),
                Inverse::Segments(s) => segments_bytes(s),
                Inverse::Member(k, v) => k.len() + v.as_ref().map_or(0, |v| v.to_string().len()),
                Inverse::Whole(p) => plan_bytes(p),
            }
    }
}

fn meta_bytes(m: &PlanMeta) -> usize {
    m.title.len() + m.author.len() + m.created.len() + m.modified.len() + json_map_bytes(&m.extra)
}

fn json_map_bytes(m: &serde_json::Map<String, serde_json::Value>) -> usize {
    m.iter().map(|(k, v)| k.len() + v.to_string().len() + 32).sum()
}

fn catalog_bytes(c: &Catalog) -> usize {
    c.types.iter().map(|t| 256 + t.id.len() + t.name.len() + t.unit.len()).sum()
}

fn segments_bytes(s: &Segmentation) -> usize {
    s.segments().iter().map(|g| 128 + g.id.len() + g.name.len() + g.tajik_region.len() + g.afghan_province.len()).sum()
}

/// Bytes a plan holds apart from its (shared) border line, roughly.
pub fn plan_bytes(p: &Plan) -> usize {
    std::mem::size_of::<Plan>()
        + meta_bytes(&p.meta)
        + segments_bytes(&p.segments)
        + p.outposts.iter().map(|o| 160 + o.id.len() + o.name.len() + o.segment_id.len()).sum::<usize>()
        + catalog_bytes(&p.catalog)
        + p.assignments.estimated_bytes()
        + json_map_bytes(&p.extra)
        + json_map_bytes(&p.collection_extra)
}

impl Plan {
    /// Applies `edit` and returns its inverse; on error the plan is unchanged.
    pub fn apply_undoable(&mut self, edit: Edit) -> Result<Inverse, EditError> {
        let inverse = match &edit {
            Edit::AddAssignments(list) => {
                let start = self.assignments.len();
                Inverse::RemoveAt((start..start + list.len()).collect())
            }
            Edit::RemoveAssignments(ids) => {
                let mut positions: Vec<usize> = ids.iter().filter_map(|id| self.assignments.position(id)).collect();
                positions.sort_unstable();
                positions.dedup();
                Inverse::Restore(positions.into_iter().map(|i| (i, self.assignments[i].clone())).collect())
            }
            Edit::UpdateAssignment(a) => match self.assignments.position(&a.id) {
                Some(i) => Inverse::Replace(i, Box::new(self.assignments[i].clone())),
                // Fails below with the right error.
                None => Inverse::RemoveAt(Vec::new()),
            },
            Edit::RenameSegment { .. } => Inverse::Segments(self.segments.clone()),
            Edit::UpsertEquipment(_) | Edit::RemoveEquipment { .. } => Inverse::Catalog(self.catalog.clone()),
            Edit::SetMeta(_) => Inverse::Meta(Box::new(self.meta.clone())),
            Edit::SetTerrain(_) => {
                let key = super::terrain::PLAN_MEMBER;
                Inverse::Member(key.to_owned(), self.extra.get(key).cloned())
            }
            Edit::SplitSegment { .. }
            | Edit::MergeSegmentWithNext { .. }
            | Edit::ReplaceOutposts(_)
            | Edit::ReplaceBorder(_)
            | Edit::RebaseBorder { .. }
            | Edit::Merge(_) => Inverse::Whole(Box::new(self.clone())),
        };
        self.apply(edit)?;
        Ok(inverse)
    }
}

/// Undo and redo lists with a step limit and a memory budget.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Each step with the [`History::state`] its inverse leads back to.
    undo: VecDeque<(String, Inverse, u64)>,
    redo: Vec<(String, Inverse, u64)>,
    /// Which plan state the history is at: a new edit gives a new value, undo and redo return to the value
    /// the plan had then, so "is this the saved plan?" is one comparison instead of comparing two plans.
    state: u64,
    next_state: u64,
    limit: usize,
    /// The undo list drops its oldest steps (never the last one) once its steps keep more than this.
    budget_bytes: usize,
    undo_bytes: usize,
}

/// Default memory budget of the undo list: room for a few whole-plan steps of a 50,000-row plan.
pub const DEFAULT_BUDGET_BYTES: usize = 256 * 1024 * 1024;

impl History {
    pub fn new(limit: usize) -> Self {
        Self::with_budget(limit, DEFAULT_BUDGET_BYTES)
    }

    pub fn with_budget(limit: usize, budget_bytes: usize) -> Self {
        Self {
            undo: VecDeque::new(),
            redo: Vec::new(),
            state: 0,
            next_state: 0,
            limit: limit.max(1),
            budget_bytes,
            undo_bytes: 0,
        }
    }

    /// As [`History::apply`], but an edit of the same assignment as the last undo step joins that step
    /// (dragging a quantity in the table is one undo step, not one per frame).
    pub fn apply_coalescing(&mut self, plan: &mut Plan, edit: Edit) -> Result<(), EditError> {
        let coalesce = matches!(edit, Edit::UpdateAssignment(_))
            && self.redo.is_empty()
            && self.undo_label() == Some(edit.label().as_str());
        if coalesce {
            plan.apply(edit)?;
            self.state = self.fresh_state();
            Ok(())
        } else {
            self.apply(plan, edit)
        }
    }

    /// The plan state the history is at (see the field); equal values mean equal plans as far as the edits
    /// recorded here go.
    pub fn state(&self) -> u64 {
        self.state
    }

    fn fresh_state(&mut self) -> u64 {
        // Pre-increment: the first new state is 1, never the initial 0 (also for `History::default()`).
        self.next_state += 1;
        self.next_state
    }

    /// Applies `edit` to `plan` and records it; on error nothing changes.
    pub fn apply(&mut self, plan: &mut Plan, edit: Edit) -> Result<(), EditError> {
        let label = edit.label();
        self.apply_named(plan, edit, label)
    }

    /// As [`History::apply`], the step named `label` (what the Edit menu's Undo shows) instead of the edit's own
    /// label: "Set quantity of A-0003 to 5".
    pub fn apply_named(&mut self, plan: &mut Plan, edit: Edit, label: String) -> Result<(), EditError> {
        let inverse = plan.apply_undoable(edit)?;
        let before = self.state;
        self.push_undo(label, inverse, before);
        self.state = self.fresh_state();
        self.redo.clear();
        Ok(())
    }

    fn push_undo(&mut self, label: String, inverse: Inverse, back_to: u64) {
        self.undo_bytes += step_bytes(&label, &inverse);
        self.undo.push_back((label, inverse, back_to));
        while self.undo.len() > self.limit || (self.undo.len() > 1 && self.undo_bytes > self.budget_bytes) {
            if let Some((l, i, _)) = self.undo.pop_front() {
                self.undo_bytes = self.undo_bytes.saturating_sub(step_bytes(&l, &i));
            }
        }
    }

    /// Undoes the last edit; returns its label.
    pub fn undo(&mut self, plan: &mut Plan) -> Option<String> {
        let (label, inverse, back_to) = self.undo.pop_back()?;
        self.undo_bytes = self.undo_bytes.saturating_sub(step_bytes(&label, &inverse));
        let redo = inverse.revert(plan);
        self.redo.push((label.clone(), redo, self.state));
        self.state = back_to;
        Some(label)
    }

    /// Redoes the last undone edit; returns its label.
    pub fn redo(&mut self, plan: &mut Plan) -> Option<String> {
        let (label, inverse, forward_to) = self.redo.pop()?;
        let undo = inverse.revert(plan);
        let before = self.state;
        self.push_undo(label.clone(), undo, before);
        self.state = forward_to;
        Some(label)
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.back().map(|(l, _, _)| l.as_str())
    }
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|(l, _, _)| l.as_str())
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.undo_bytes = 0;
        self.state = self.fresh_state();
    }

    /// Bytes kept by the undo and redo steps, roughly (not counting the plan itself).
    pub fn estimated_bytes(&self) -> usize {
        self.undo_bytes + self.redo.iter().map(|(l, i, _)| step_bytes(l, i)).sum::<usize>()
    }
}

fn step_bytes(label: &str, inverse: &Inverse) -> usize {
    std::mem::size_of::<(String, Inverse, u64)>() + label.len() + inverse.estimated_bytes()
}
