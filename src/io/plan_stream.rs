//! The streaming plan reader: reads a plan file straight into typed assignments, without building a JSON tree
//! of the whole file first (the tree of a 50,000-row plan is ~1.5 M small maps and strings).
//!
//! It understands exactly the plan-file layout of [`super::plan_file`]; anything it does not expect is an error,
//! and the caller then reads the file with the tree reader, which says what is wrong. The result is the same
//! either way (tests compare both on the example plan and on plans with unknown members).

use super::plan_file::{AssignmentsPart, FeatureParts};
use crate::model::{Assignment, Quarter, Stage, Status, Target};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// The file's top-level members except `features`, and its features (`None` when there is no `features` array).
pub(super) type Parts = (Map<String, Value>, Option<Vec<FeatureParts>>);

pub(super) fn read(bytes: &[u8]) -> Result<Parts, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let Root(parts) = Root::deserialize(&mut de)?;
    de.end()?;
    Ok(parts)
}

struct Root(Parts);

impl<'de> Deserialize<'de> for Root {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Root;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a plan file (a GeoJSON FeatureCollection)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
                let mut root = Map::new();
                let mut features = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "features" {
                        features = Some(map.next_value::<Features>()?.0);
                    } else {
                        let v: Value = map.next_value()?;
                        root.insert(key, v);
                    }
                }
                Ok(Root((root, features)))
            }
        }
        d.deserialize_map(V)
    }
}

struct Features(Vec<FeatureParts>);

impl<'de> Deserialize<'de> for Features {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Features;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of features")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Features, A::Error> {
                let mut out = Vec::new();
                while let Some(f) = seq.next_element::<Feature>()? {
                    out.push(f.0);
                }
                Ok(Features(out))
            }
        }
        d.deserialize_seq(V)
    }
}

struct Feature(FeatureParts);

impl<'de> Deserialize<'de> for Feature {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Feature;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a feature object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Feature, A::Error> {
                let mut parts =
                    FeatureParts { properties: Map::new(), assignments: AssignmentsPart::Absent, coordinates: None };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "properties" => {
                            let Properties { properties, assignments } = map.next_value()?;
                            parts.properties = properties;
                            parts.assignments = assignments;
                        }
                        "geometry" => {
                            let g: Value = map.next_value()?;
                            parts.coordinates = match g {
                                Value::Object(mut g) => g.shift_remove("coordinates"),
                                _ => None,
                            };
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Feature(parts))
            }
        }
        d.deserialize_map(V)
    }
}

struct Properties {
    properties: Map<String, Value>,
    assignments: AssignmentsPart,
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a properties object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Properties, A::Error> {
                let mut properties = Map::new();
                let mut assignments = AssignmentsPart::Absent;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "assignments" {
                        assignments = AssignmentsPart::Typed(map.next_value_seed(AssignmentList)?);
                    } else {
                        let v: Value = map.next_value()?;
                        properties.insert(key, v);
                    }
                }
                Ok(Properties { properties, assignments })
            }
        }
        d.deserialize_map(V)
    }
}

struct AssignmentList;

impl<'de> DeserializeSeed<'de> for AssignmentList {
    type Value = Vec<Assignment>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Assignment>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Assignment>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of assignments")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Assignment>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(ListedAssignment(a)) = seq.next_element()? {
                    out.push(a);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V)
    }
}

/// An assignment in its target's list: the target is set by the caller, once the feature's kind and id are known.
struct ListedAssignment(Assignment);

impl<'de> Deserialize<'de> for ListedAssignment {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ListedAssignment;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an assignment object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ListedAssignment, A::Error> {
                let mut id: Option<String> = None;
                let mut equipment_id: Option<String> = None;
                let mut quantity: Option<f64> = None;
                let mut stage: Option<Stage> = None;
                let mut supplier: Option<String> = None;
                let mut quarter: Option<Quarter> = None;
                let mut status: Option<Status> = None;
                let mut note = String::new();
                let mut extra = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "id" => id = Some(map.next_value()?),
                        "equipment_id" => equipment_id = Some(map.next_value()?),
                        "quantity" => quantity = Some(map.next_value()?),
                        "stage" => stage = Some(map.next_value()?),
                        "supplier" => supplier = Some(map.next_value()?),
                        "quarter" => quarter = Some(map.next_value()?),
                        "status" => status = Some(map.next_value()?),
                        "note" => note = map.next_value()?,
                        // Redundant inside a target's list (the feature is the target), as in the tree reader.
                        "target" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            let v: Value = map.next_value()?;
                            extra.insert(key, v);
                        }
                    }
                }
                let missing = |k: &'static str| de::Error::missing_field(k);
                Ok(ListedAssignment(Assignment {
                    id: id.ok_or_else(|| missing("id"))?,
                    target: Target::Segment(String::new()),
                    equipment_id: equipment_id.ok_or_else(|| missing("equipment_id"))?,
                    quantity: quantity.ok_or_else(|| missing("quantity"))?,
                    stage: stage.ok_or_else(|| missing("stage"))?,
                    supplier: supplier.ok_or_else(|| missing("supplier"))?,
                    quarter: quarter.ok_or_else(|| missing("quarter"))?,
                    status: status.ok_or_else(|| missing("status"))?,
                    note,
                    extra,
                }))
            }
        }
        d.deserialize_map(V)
    }
}
