//! Totals per stage, supplier, category and segment.

use super::coverage::{Coverage, stage_coverage};
use super::lookup::Lookup;
use super::plan::Plan;
use super::stages::Stage;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub assignments: usize,
    /// Sum of quantities (mixed units: a headline number, see per-category rows for meaning).
    pub quantity: f64,
    /// Sum of quantity × unit cost where the cost is known.
    pub cost_usd: f64,
}

impl Totals {
    fn add(&mut self, quantity: f64, cost: f64) {
        self.assignments += 1;
        self.quantity += quantity;
        self.cost_usd += cost;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageSummary {
    pub totals: Totals,
    pub covered_km: f64,
    pub coverage_pct: f64,
    pub gaps_km: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub border_length_km: f64,
    /// The official length of the frontier, km, beside the data's own (see `length_note`).
    pub official_length_km: f64,
    /// Why the two lengths differ, in one sentence.
    pub length_note: String,
    pub total: Totals,
    /// Keyed by stage number ("2", "3").
    pub stages: BTreeMap<String, StageSummary>,
    pub by_supplier: BTreeMap<String, Totals>,
    pub by_category: BTreeMap<String, Totals>,
    /// Keyed by segment id; outpost assignments count towards the outpost's segment.
    pub by_segment: BTreeMap<String, Totals>,
}

pub fn summarize(plan: &Plan) -> Summary {
    let coverage: Vec<Coverage> = Stage::DEPLOYMENT.iter().map(|&s| stage_coverage(plan, s)).collect();
    summarize_with_coverage(plan, &coverage)
}

/// As [`summarize`], with the coverage at the end of each of [`Stage::DEPLOYMENT`] already computed (in that
/// order; the app computes them once per change).
pub fn summarize_with_coverage(plan: &Plan, coverage: &[Coverage]) -> Summary {
    let mut total = Totals::default();
    let mut by_stage: BTreeMap<u8, Totals> = BTreeMap::new();
    // Keyed by borrowed names while adding up (no string copy per row), owned once at the end.
    // Hashed while adding up (each key's sum still runs in plan order), sorted once at the end.
    let mut by_supplier: FxHashMap<&str, Totals> = FxHashMap::default();
    let mut by_category: FxHashMap<&str, Totals> = FxHashMap::default();
    let mut by_segment: FxHashMap<&str, Totals> = FxHashMap::default();
    let lookup = Lookup::new(plan);
    for a in &plan.assignments {
        let eq = lookup.equipment(&a.equipment_id);
        let cost = eq.and_then(|t| t.unit_cost_usd).map(|c| c * a.quantity).unwrap_or(0.0);
        total.add(a.quantity, cost);
        by_stage.entry(a.stage.number()).or_default().add(a.quantity, cost);
        by_supplier.entry(a.supplier.as_str()).or_default().add(a.quantity, cost);
        let cat = eq.map(|t| t.category.label()).unwrap_or("Unknown equipment");
        by_category.entry(cat).or_default().add(a.quantity, cost);
        if let Some(seg) = lookup.segment_id(&a.target) {
            by_segment.entry(seg).or_default().add(a.quantity, cost);
        }
    }
    let stages = Stage::DEPLOYMENT
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let computed;
            let cov: &Coverage = match coverage.get(i) {
                Some(c) => c,
                None => {
                    computed = stage_coverage(plan, s);
                    &computed
                }
            };
            (
                s.number().to_string(),
                StageSummary {
                    totals: by_stage.get(&s.number()).cloned().unwrap_or_default(),
                    covered_km: cov.covered_km,
                    coverage_pct: cov.percent(),
                    gaps_km: cov.gaps.clone(),
                },
            )
        })
        .collect();
    let border_length_km = plan.border.length_km();
    Summary {
        border_length_km,
        official_length_km: super::border::OFFICIAL_LENGTH_KM,
        length_note: super::border::length_note(border_length_km),
        total,
        stages,
        by_supplier: owned_keys(by_supplier),
        by_category: owned_keys(by_category),
        by_segment: owned_keys(by_segment),
    }
}

fn owned_keys(m: FxHashMap<&str, Totals>) -> BTreeMap<String, Totals> {
    m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
