//! Undo and redo as snapshots of the plan: exact by construction, cheap because the border is shared.

use super::plan::{Edit, EditError, Plan};

#[derive(Debug, Clone, Default)]
pub struct History {
    undo: Vec<(String, Plan)>,
    redo: Vec<(String, Plan)>,
    limit: usize,
}

impl History {
    pub fn new(limit: usize) -> Self {
        Self { undo: Vec::new(), redo: Vec::new(), limit: limit.max(1) }
    }

    /// As [`History::apply`], but an edit of the same assignment as the last undo step joins that step
    /// (dragging a quantity in the table is one undo step, not one per frame).
    pub fn apply_coalescing(&mut self, plan: &mut Plan, edit: Edit) -> Result<(), EditError> {
        let coalesce = matches!(edit, Edit::UpdateAssignment(_))
            && self.redo.is_empty()
            && self.undo_label() == Some(edit.label().as_str());
        if coalesce { plan.apply(edit) } else { self.apply(plan, edit) }
    }

    /// Applies `edit` to `plan` and records it; on error nothing changes.
    pub fn apply(&mut self, plan: &mut Plan, edit: Edit) -> Result<(), EditError> {
        let label = edit.label();
        let before = plan.clone();
        plan.apply(edit)?;
        self.undo.push((label, before));
        if self.undo.len() > self.limit {
            self.undo.remove(0);
        }
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit; returns its label.
    pub fn undo(&mut self, plan: &mut Plan) -> Option<String> {
        let (label, before) = self.undo.pop()?;
        let after = std::mem::replace(plan, before);
        self.redo.push((label.clone(), after));
        Some(label)
    }

    /// Redoes the last undone edit; returns its label.
    pub fn redo(&mut self, plan: &mut Plan) -> Option<String> {
        let (label, after) = self.redo.pop()?;
        let before = std::mem::replace(plan, after);
        self.undo.push((label.clone(), before));
        Some(label)
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|(l, _)| l.as_str())
    }
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|(l, _)| l.as_str())
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
