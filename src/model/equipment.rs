//! The equipment catalog.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Surveillance,
    Communications,
    Mobility,
    Engineering,
    /// Other military equipment.
    Other,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Surveillance, Category::Communications, Category::Mobility, Category::Engineering, Category::Other];
    pub fn label(self) -> &'static str {
        match self {
            Category::Surveillance => "Surveillance",
            Category::Communications => "Communications",
            Category::Mobility => "Mobility",
            Category::Engineering => "Engineering",
            Category::Other => "Other military equipment",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquipmentType {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub unit: String,
    /// For surveillance: how far along the border one unit sees, each way, in km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_range_km: Option<f64>,
    /// For surveillance on a mast: the sensor's height above the ground, m (terrain coverage; 10 m if unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mast_height_m: Option<f64>,
    /// For airborne surveillance (UAV sets): the operating height above the ground, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_height_m: Option<f64>,
    /// The sector a fixed sensor watches, azimuth from–to in degrees clockwise from north (all round if unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector_deg: Option<[f64; 2]>,
    /// `false` for sensors that need no sight (seismic/magnetic ground sensor strings): they keep the range model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_of_sight: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Members this version does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EquipmentType {
    pub fn new(id: &str, name: &str, category: Category, unit: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            category,
            unit: unit.to_owned(),
            detection_range_km: None,
            mast_height_m: None,
            operating_height_m: None,
            sector_deg: None,
            line_of_sight: None,
            unit_cost_usd: None,
            description: String::new(),
            extra: Map::new(),
        }
    }
    /// Equipment counted in km along the border (fence, cable): its quantity on a segment is a length.
    pub fn is_per_km(&self) -> bool {
        self.unit.eq_ignore_ascii_case("km")
    }
    /// Surveillance equipment with a positive range counts towards coverage.
    pub fn coverage_range_km(&self) -> Option<f64> {
        match (self.category, self.detection_range_km) {
            (Category::Surveillance, Some(r)) if r > 0.0 && r.is_finite() => Some(r),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Catalog {
    pub types: Vec<EquipmentType>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CatalogError {
    #[error("equipment id “{0}” is already in the catalog")]
    DuplicateId(String),
    #[error("equipment type “{0}” is not in the catalog")]
    Unknown(String),
    #[error("equipment type “{id}” is used by {}; remove or change them first", crate::model::counted(*count, "assignment", "assignments"))]
    InUse { id: String, count: usize },
    #[error("equipment needs a non-empty id and name")]
    Empty,
    #[error("detection range must be a positive number of km, not {0}")]
    BadRange(f64),
    #[error("{what} must be a number of metres from 0 to 10,000, not {value}")]
    BadHeight { what: &'static str, value: f64 },
    #[error("a sector needs two azimuths from 0 to 360°, not {0} … {1}")]
    BadSector(f64, f64),
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&EquipmentType> {
        self.types.iter().find(|t| t.id == id)
    }
    pub fn by_category(&self, c: Category) -> impl Iterator<Item = &EquipmentType> {
        self.types.iter().filter(move |t| t.category == c)
    }
    /// Checks the catalog's own consistency (unique ids, sane ranges).
    pub fn validate(&self) -> Result<(), CatalogError> {
        for (i, t) in self.types.iter().enumerate() {
            Self::validate_type(t)?;
            if self.types[..i].iter().any(|o| o.id == t.id) {
                return Err(CatalogError::DuplicateId(t.id.clone()));
            }
        }
        Ok(())
    }
    pub fn validate_type(t: &EquipmentType) -> Result<(), CatalogError> {
        if t.id.trim().is_empty() || t.name.trim().is_empty() {
            return Err(CatalogError::Empty);
        }
        if let Some(r) = t.detection_range_km
            && !(r.is_finite() && r > 0.0)
        {
            return Err(CatalogError::BadRange(r));
        }
        for (what, h) in [("mast height", t.mast_height_m), ("operating height", t.operating_height_m)] {
            if let Some(value) = h
                && !(value.is_finite() && (0.0..=10_000.0).contains(&value))
            {
                return Err(CatalogError::BadHeight { what, value });
            }
        }
        if let Some([a, b]) = t.sector_deg
            && !(a.is_finite() && b.is_finite() && (0.0..=360.0).contains(&a) && (0.0..=360.0).contains(&b))
        {
            return Err(CatalogError::BadSector(a, b));
        }
        Ok(())
    }
    /// A fresh id derived from a name, unique in this catalog.
    pub fn fresh_id(&self, name: &str) -> String {
        let base: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let base = if base.is_empty() { "equipment".to_owned() } else { base };
        if self.get(&base).is_none() {
            return base;
        }
        (2..).map(|n| format!("{base}-{n}")).find(|id| self.get(id).is_none()).unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_equipment_type_in_use_is_refused_with_a_proper_plural() {
        let one = CatalogError::InUse { id: "vhf".into(), count: 1 }.to_string();
        let three = CatalogError::InUse { id: "vhf".into(), count: 3 }.to_string();
        assert!(one.contains("used by 1 assignment;"), "{one}");
        assert!(three.contains("used by 3 assignments;"), "{three}");
        assert!(!one.contains("(s)") && !three.contains("(s)"));
    }
}
