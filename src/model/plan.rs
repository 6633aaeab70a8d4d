//! The rollout plan and the edits that change it.

use super::assignment_list::Assignments;
use super::border::{Border, BorderError};
use super::equipment::{Catalog, CatalogError, EquipmentType};
use super::outposts::Outpost;
use super::segments::{Segment, SegmentError, Segmentation};
use super::stages::{Quarter, Stage};
use geo::LineString;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// What an assignment is for: a border segment or an outpost, by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Target {
    Segment(String),
    Outpost(String),
}

impl Target {
    pub fn id(&self) -> &str {
        match self {
            Target::Segment(id) | Target::Outpost(id) => id,
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Segment(_) => "segment",
            Target::Outpost(_) => "outpost",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Planned,
    Contracted,
    Delivered,
    Deployed,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Planned, Status::Contracted, Status::Delivered, Status::Deployed];
    pub fn label(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Contracted => "contracted",
            Status::Delivered => "delivered",
            Status::Deployed => "deployed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: String,
    pub target: Target,
    pub equipment_id: String,
    /// Units per target (km for per-km equipment such as fence).
    pub quantity: f64,
    pub stage: Stage,
    /// Supplying member state, by name.
    pub supplier: String,
    /// Planned delivery quarter.
    pub quarter: Quarter,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Members this version does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanMeta {
    pub title: String,
    #[serde(default)]
    pub author: String,
    /// ISO 8601 timestamps.
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub modified: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The prefix of a string that stands for a number in an unknown member which a float cannot hold as written
/// (a 25-digit integer, `1.10`): the plan-file writer puts the number's own text back (see `io::plan_numbers`).
pub const EXACT_NUMBER_MARK: &str = "\u{1}number:";

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub meta: PlanMeta,
    /// Shared: cloning a plan for undo does not copy the line.
    pub border: Arc<Border>,
    pub segments: Segmentation,
    pub outposts: Vec<Outpost>,
    pub catalog: Catalog,
    /// In plan order, indexed by id and by target.
    pub assignments: Assignments,
    /// Unknown top-level members of the plan file, kept for the round trip.
    pub extra: Map<String, Value>,
    /// Unknown feature-collection members, kept for the round trip.
    pub collection_extra: Map<String, Value>,
}

/// A change to the plan, as a value: the app applies these and records undo around them.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    AddAssignments(Vec<Assignment>),
    RemoveAssignments(Vec<String>),
    UpdateAssignment(Assignment),
    SplitSegment {
        km: f64,
    },
    MergeSegmentWithNext {
        id: String,
    },
    RenameSegment {
        id: String,
        name: String,
    },
    /// Boxed: a catalog type is much larger than every other edit.
    UpsertEquipment(Box<EquipmentType>),
    RemoveEquipment {
        id: String,
    },
    ReplaceOutposts(Vec<Outpost>),
    ReplaceBorder(LineString<f64>),
    /// Moves the plan onto another border line by position (see [`super::rebase`]): the new line and the
    /// segments re-measured on it.
    RebaseBorder {
        line: LineString<f64>,
        segments: Vec<Segment>,
    },
    SetMeta(PlanMeta),
    /// Sets the plan's line-of-sight settings (target height, refraction; the DEM path is kept as given).
    SetTerrain(super::terrain::TerrainParams),
    /// Replaces the whole plan with the result of a three-way merge (see [`super::merge`]): one undo step.
    Merge(Box<Plan>),
}

impl Edit {
    /// Short description for the Edit menu ("Undo Split segment").
    pub fn label(&self) -> String {
        match self {
            Edit::AddAssignments(a) => format!("Assign to {}", super::counted(a.len(), "target", "targets")),
            Edit::RemoveAssignments(a) => format!("Delete {}", super::counted(a.len(), "assignment", "assignments")),
            Edit::UpdateAssignment(a) => format!("Edit assignment {}", a.id),
            Edit::SplitSegment { km } => format!("Split segment at km {km:.1}"),
            Edit::MergeSegmentWithNext { .. } => "Merge segments".into(),
            Edit::RenameSegment { .. } => "Rename segment".into(),
            Edit::UpsertEquipment(t) => format!("Edit equipment “{}”", t.name),
            Edit::RemoveEquipment { id } => format!("Remove equipment “{id}”"),
            Edit::ReplaceOutposts(o) => format!("Use {} points as outposts", o.len()),
            Edit::ReplaceBorder(_) => "Replace border".into(),
            Edit::RebaseBorder { .. } => "Rebase on the current border".into(),
            Edit::SetMeta(_) => "Edit plan details".into(),
            Edit::SetTerrain(_) => "Edit line-of-sight settings".into(),
            Edit::Merge(_) => "Merge changes made elsewhere".into(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error(transparent)]
    Segment(#[from] SegmentError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Border(#[from] BorderError),
    #[error("assignment “{0}” does not exist")]
    UnknownAssignment(String),
    #[error("assignment id “{0}” is already used")]
    DuplicateAssignment(String),
    #[error("nothing to do: {0}")]
    Empty(&'static str),
    #[error("{0}")]
    Invalid(String),
}

impl Plan {
    pub fn new(border: Border, segments: Segmentation, outposts: Vec<Outpost>, catalog: Catalog) -> Self {
        let mut plan = Self {
            meta: PlanMeta { title: "Untitled plan".into(), ..PlanMeta::default() },
            border: Arc::new(border),
            segments,
            outposts,
            catalog,
            assignments: Assignments::new(),
            extra: Map::new(),
            collection_extra: Map::new(),
        };
        plan.resnap_outposts();
        plan
    }

    pub fn resnap_outposts(&mut self) {
        for o in &mut self.outposts {
            o.snap(&self.border, &self.segments);
        }
    }

    pub fn outpost(&self, id: &str) -> Option<&Outpost> {
        self.outposts.iter().find(|o| o.id == id)
    }

    pub fn assignment(&self, id: &str) -> Option<&Assignment> {
        self.assignments.by_id(id)
    }

    /// Chainage extent of a target in km (an outpost is a point: from == to).
    pub fn target_extent_km(&self, t: &Target) -> Option<(f64, f64)> {
        match t {
            Target::Segment(id) => self.segments.get(id).map(|s| (s.from_km, s.to_km)),
            Target::Outpost(id) => self.outpost(id).map(|o| (o.km, o.km)),
        }
    }

    pub fn target_name(&self, t: &Target) -> Option<&str> {
        match t {
            Target::Segment(id) => self.segments.get(id).map(|s| s.name.as_str()),
            Target::Outpost(id) => self.outpost(id).map(|o| o.name.as_str()),
        }
    }

    pub fn target_exists(&self, t: &Target) -> bool {
        self.target_extent_km(t).is_some()
    }

    /// A target's assignments in plan order (through the target index: proportional to their number).
    pub fn assignments_for<'a>(&'a self, t: &'a Target) -> impl Iterator<Item = &'a Assignment> + 'a {
        self.assignments.for_target(t)
    }

    /// A fresh assignment id, unique in this plan and (with near certainty) across copies of it edited by
    /// other planners (see [`super::ids`]).
    pub fn fresh_assignment_id(&self) -> String {
        self.fresh_assignment_ids(1).pop().unwrap_or_default()
    }

    /// `n` fresh assignment ids, all different and none in use in this plan.
    pub fn fresh_assignment_ids(&self, n: usize) -> Vec<String> {
        super::ids::new_assignment_ids(n, |id| self.assignments.contains_id(id))
    }

    /// Applies an edit; on error the plan is unchanged.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        match edit {
            Edit::AddAssignments(list) => {
                if list.is_empty() {
                    return Err(EditError::Empty("no assignments to add"));
                }
                let mut seen = HashSet::with_capacity(list.len());
                for a in &list {
                    if self.assignments.contains_id(&a.id) || !seen.insert(a.id.as_str()) {
                        return Err(EditError::DuplicateAssignment(a.id.clone()));
                    }
                }
                self.assignments.extend(list);
            }
            Edit::RemoveAssignments(ids) => {
                if let Some(missing) = ids.iter().find(|id| !self.assignments.contains_id(id)) {
                    return Err(EditError::UnknownAssignment(missing.clone()));
                }
                let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
                self.assignments.retain(|a| !ids.contains(a.id.as_str()));
            }
            Edit::UpdateAssignment(new) => {
                let i =
                    self.assignments.position(&new.id).ok_or_else(|| EditError::UnknownAssignment(new.id.clone()))?;
                self.assignments.replace(i, new);
            }
            Edit::SplitSegment { km } => self.split_segment(km)?,
            Edit::MergeSegmentWithNext { id } => {
                let removed = self.segments.merge_with_next(&id)?;
                // Assignments and outposts of the eastern segment now belong to the merged one.
                let (east, merged) = (Target::Segment(removed), Target::Segment(id.clone()));
                for i in self.assignments.positions_for(&east).to_vec() {
                    self.assignments.modify_one(i, |a| a.target = merged.clone());
                }
                // Identical items from both parts become one (a split followed by a merge restores the totals).
                self.combine_duplicates(&Target::Segment(id.clone()));
                self.resnap_outposts();
            }
            Edit::RenameSegment { id, name } => self.segments.rename(&id, &name)?,
            Edit::UpsertEquipment(t) => {
                let t = *t;
                Catalog::validate_type(&t)?;
                match self.catalog.types.iter_mut().find(|e| e.id == t.id) {
                    Some(slot) => *slot = t,
                    None => self.catalog.types.push(t),
                }
            }
            Edit::RemoveEquipment { id } => {
                if self.catalog.get(&id).is_none() {
                    return Err(CatalogError::Unknown(id).into());
                }
                let count = self.assignments.iter().filter(|a| a.equipment_id == id).count();
                if count > 0 {
                    return Err(CatalogError::InUse { id, count }.into());
                }
                self.catalog.types.retain(|t| t.id != id);
            }
            Edit::ReplaceOutposts(outposts) => {
                if outposts.is_empty() {
                    return Err(EditError::Empty("no outposts in the replacement"));
                }
                let kept: HashSet<String> = outposts.iter().map(|o| o.id.clone()).collect();
                self.outposts = outposts;
                self.resnap_outposts();
                // Assignments to outposts that no longer exist would dangle: drop them (undo brings them back).
                self.assignments.retain(|a| match &a.target {
                    Target::Outpost(id) => kept.contains(id),
                    Target::Segment(_) => true,
                });
            }
            Edit::ReplaceBorder(line) => {
                let border = Border::new(line)?;
                let old = self.border.length_km();
                self.segments.rescale(old, border.length_km());
                self.border = Arc::new(border);
                self.resnap_outposts();
            }
            Edit::RebaseBorder { line, segments } => {
                let border = Border::new(line)?;
                self.segments = Segmentation::from_segments(segments, border.length_km())?;
                self.border = Arc::new(border);
                self.resnap_outposts();
            }
            Edit::SetMeta(meta) => self.meta = meta,
            Edit::SetTerrain(params) => {
                params.validate().map_err(EditError::Invalid)?;
                params.store_in(self);
            }
            Edit::Merge(plan) => *self = *plan,
        }
        Ok(())
    }

    /// Splits the segment at `km`. Equipment assigned to a segment is spread along it, so it follows the parts:
    /// quantities are shared in proportion to the parts' lengths (exactly for per-km units, rounded to whole units
    /// otherwise, so totals never change). A part whose share rounds to zero gets no assignment; the original id
    /// stays with the western part when it has a share, else moves east.
    fn split_segment(&mut self, km: f64) -> Result<(), EditError> {
        let length = self.border.length_km();
        let old = self.segments.segments().iter().find(|s| s.contains_km(km)).cloned();
        let (west, east) = self.segments.split_at(km, length)?;
        let Some(old) = old else { return Ok(()) };
        let west_share = (km - old.from_km) / old.length_km();
        let mut copies = Vec::new();
        let west_target = Target::Segment(west.clone());
        let positions = self.assignments.positions_for(&west_target).to_vec();
        let catalog = &self.catalog;
        let mut changed = Vec::with_capacity(positions.len());
        for i in positions {
            let Some(a) = self.assignments.get(i) else { continue };
            let mut a = a.clone();
            let per_km = catalog.get(&a.equipment_id).is_some_and(EquipmentType::is_per_km);
            let total = a.quantity;
            let west_q = if per_km { round3(total * west_share) } else { (total * west_share).round() };
            let east_q = if per_km { round3(total - west_q) } else { total - west_q };
            if west_q <= 0.0 {
                a.target = Target::Segment(east.clone());
                changed.push((i, a));
                continue;
            }
            a.quantity = west_q;
            if east_q > 0.0 {
                let mut copy = a.clone();
                copy.target = Target::Segment(east.clone());
                copy.quantity = east_q;
                copies.push(copy);
            }
            changed.push((i, a));
        }
        for (i, a) in changed {
            self.assignments.replace(i, a);
        }
        let ids = self.fresh_assignment_ids(copies.len());
        for (copy, id) in copies.iter_mut().zip(ids) {
            copy.id = id;
        }
        self.assignments.extend(copies);
        self.resnap_outposts();
        Ok(())
    }

    /// Folds assignments on `target` that differ only in id and quantity into one (the first keeps its id).
    /// Works on the target's own rows only (through the target index), so it costs the target, not the plan.
    fn combine_duplicates(&mut self, target: &Target) {
        let positions = self.assignments.positions_for(target).to_vec();
        let mut merged_into: Vec<(usize, f64)> = Vec::new();
        let mut gone: HashSet<usize> = HashSet::new();
        for (k, &i) in positions.iter().enumerate() {
            if gone.contains(&i) {
                continue;
            }
            let a = &self.assignments[i];
            let mut quantity = a.quantity;
            let mut any = false;
            for &j in &positions[k + 1..] {
                if gone.contains(&j) {
                    continue;
                }
                let b = &self.assignments[j];
                let same = b.target == a.target
                    && b.equipment_id == a.equipment_id
                    && b.stage == a.stage
                    && b.supplier == a.supplier
                    && b.quarter == a.quarter
                    && b.status == a.status
                    && b.note == a.note
                    && b.extra == a.extra;
                if same {
                    quantity = round3(quantity + b.quantity);
                    gone.insert(j);
                    any = true;
                }
            }
            if any {
                merged_into.push((i, quantity));
            }
        }
        for (i, quantity) in merged_into {
            self.assignments.modify_one(i, |a| a.quantity = quantity);
        }
        if !gone.is_empty() {
            let mut index = 0;
            self.assignments.retain(|_| {
                let keep = !gone.contains(&index);
                index += 1;
                keep
            });
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Plan {
    /// The earliest stage of the assignments on a target (optionally only those delivered by `until`),
    /// or `None` when nothing is planned there. Drives the stage colours on the map.
    pub fn target_stage(&self, t: &Target, until: Option<Quarter>) -> Option<Stage> {
        self.assignments.for_target(t).filter(|a| until.is_none_or(|q| a.quarter <= q)).map(|a| a.stage).min()
    }
}
