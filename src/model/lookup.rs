//! Lookups by id made once per pass over a plan: the catalog, the outposts and the member states are short
//! lists searched by string, which a 50,000-row pass would otherwise search once per row.

use super::equipment::EquipmentType;
use super::members::{self, MemberState};
use super::outposts::Outpost;
use super::plan::{Plan, Target};
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// The plan's equipment types and outposts by id (the first of an id, as [`Plan::outpost`] and
/// `Catalog::get` find them), and member states by the supplier names met so far.
pub struct Lookup<'a> {
    plan: &'a Plan,
    equipment: FxHashMap<&'a str, &'a EquipmentType>,
    outposts: FxHashMap<&'a str, &'a Outpost>,
    members: RefCell<FxHashMap<&'a str, Option<&'static MemberState>>>,
}

impl<'a> Lookup<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let mut equipment = FxHashMap::default();
        for t in &plan.catalog.types {
            equipment.entry(t.id.as_str()).or_insert(t);
        }
        let mut outposts = FxHashMap::default();
        for o in &plan.outposts {
            outposts.entry(o.id.as_str()).or_insert(o);
        }
        Self { plan, equipment, outposts, members: RefCell::default() }
    }

    pub fn equipment(&self, id: &str) -> Option<&'a EquipmentType> {
        self.equipment.get(id).copied()
    }

    pub fn outpost(&self, id: &str) -> Option<&'a Outpost> {
        self.outposts.get(id).copied()
    }

    /// As [`members::lookup`], remembered per supplier name.
    pub fn member(&self, supplier: &'a str) -> Option<&'static MemberState> {
        *self.members.borrow_mut().entry(supplier).or_insert_with(|| members::lookup(supplier))
    }

    /// As [`Plan::target_extent_km`].
    pub fn target_extent_km(&self, t: &Target) -> Option<(f64, f64)> {
        match t {
            Target::Segment(id) => self.plan.segments.get(id).map(|s| (s.from_km, s.to_km)),
            Target::Outpost(id) => self.outpost(id).map(|o| (o.km, o.km)),
        }
    }

    /// The segment a target lies on: the segment itself, or an outpost's segment.
    pub fn segment_id<'t>(&self, t: &'t Target) -> Option<&'t str>
    where
        'a: 't,
    {
        match t {
            Target::Segment(id) => Some(id.as_str()),
            Target::Outpost(id) => self.outpost(id).map(|o| o.segment_id.as_str()),
        }
    }
}
