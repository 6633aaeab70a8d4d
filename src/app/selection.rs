//! What the planner has selected: segments and outposts, by id.

use crate::model::{Plan, Target};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectMode {
    /// Replace the selection.
    Replace,
    /// Add to it (Shift).
    Add,
    /// Toggle membership (Ctrl).
    Toggle,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    items: BTreeSet<Target>,
}

impl Selection {
    pub fn apply(&mut self, targets: impl IntoIterator<Item = Target>, mode: SelectMode) {
        if mode == SelectMode::Replace {
            self.items.clear();
        }
        for t in targets {
            if mode == SelectMode::Toggle && self.items.contains(&t) {
                self.items.remove(&t);
            } else {
                self.items.insert(t);
            }
        }
    }
    pub fn clear(&mut self) {
        self.items.clear();
    }
    pub fn contains(&self, t: &Target) -> bool {
        self.items.contains(t)
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Target> {
        self.items.iter()
    }
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|t| match t {
            Target::Segment(id) => Some(id.as_str()),
            Target::Outpost(_) => None,
        })
    }
    pub fn outposts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|t| match t {
            Target::Outpost(id) => Some(id.as_str()),
            Target::Segment(_) => None,
        })
    }
    /// Drops targets that no longer exist in the plan (after undo, a merge or a new file).
    pub fn retain_existing(&mut self, plan: &Plan) {
        self.items.retain(|t| plan.target_exists(t));
    }
    /// Total length of the selected segments, km.
    pub fn segment_length_km(&self, plan: &Plan) -> f64 {
        self.segments().filter_map(|id| plan.segments.get(id)).map(|s| s.length_km()).sum::<f64>() + 0.0
    }
    /// Every segment and outpost between two chainages (segments that overlap the range).
    pub fn targets_in_km_range(plan: &Plan, from_km: f64, to_km: f64) -> Vec<Target> {
        let (a, b) = if from_km <= to_km { (from_km, to_km) } else { (to_km, from_km) };
        let mut out: Vec<Target> = plan
            .segments
            .segments()
            .iter()
            .filter(|s| s.to_km > a && s.from_km < b)
            .map(|s| Target::Segment(s.id.clone()))
            .collect();
        out.extend(plan.outposts.iter().filter(|o| o.km >= a && o.km <= b).map(|o| Target::Outpost(o.id.clone())));
        out
    }
}
