//! Features: one element of the `features` array (its members in any order), the array itself streamed into
//! the builder, and the checks that decide whether a feature is stored, counted as null or skipped.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::builder::{Ctx, FeatureOutcome};
use super::coords::{GeomOutcome, ParsedGeom};
use super::error::ImportError;
use super::geometry::GeomSeed;
use super::kinds::{reject_array, reject_null, reject_scalars};
use super::properties::{PropertiesOutcome, PropertiesSeed};
use super::type_names::{Key, KeySeed, TypeName, TypeSeed};
use crate::io::layer::{FeatureStyle, LayerFeature};

/// A feature for a bare geometry (no properties).
pub(super) fn feature_from_geometry(outcome: GeomOutcome, ctx: &mut Ctx<'_>) -> FeatureOutcome {
    make_feature(None, Some(outcome), None, None, ctx)
}

/// Assembles a feature from its members and stores its properties (or forgets them when the feature is not
/// stored).
pub(super) fn make_feature(
    type_name: Option<TypeName>,
    geometry: Option<GeomOutcome>,
    properties: Option<PropertiesOutcome>,
    duplicate: Option<&'static str>,
    ctx: &mut Ctx<'_>,
) -> FeatureOutcome {
    let (pending, style, kind) = match properties {
        None => (None, None, None),
        Some(Ok(read)) => (Some(read.pending), read.style, None),
        Some(Err((pending, kind))) => (pending, None, Some(kind)),
    };
    let outcome = check_feature(type_name, geometry, duplicate, kind);
    let store = &mut ctx.out.properties;
    match outcome {
        Ok(Some(parsed)) => {
            store.commit(pending.unwrap_or_else(|| store.begin()));
            ctx.out.repairs.count(parsed.repairs);
            let style = style.map(|map| FeatureStyle::from_properties(&map)).filter(|s| !s.is_empty()).map(Box::new);
            Ok(Some(LayerFeature { geometry: parsed.geometry, z: parsed.z.map(Vec::into_boxed_slice), style }))
        }
        other => {
            if let Some(pending) = pending {
                store.discard(pending);
            }
            other.map(|_| None)
        }
    }
}

/// The geometry of a feature whose members were read, or why it is skipped.
fn check_feature(
    type_name: Option<TypeName>,
    geometry: Option<GeomOutcome>,
    duplicate: Option<&'static str>,
    properties_kind: Option<&'static str>,
) -> Result<Option<ParsedGeom>, String> {
    if let Some(member) = duplicate {
        return Err(format!("duplicate \"{member}\" member"));
    }
    match type_name {
        None | Some(TypeName::Feature) => {}
        Some(other) => return Err(format!("\"type\" is {}, expected \"Feature\"", other.describe())),
    }
    if let Some(kind) = properties_kind {
        return Err(format!("\"properties\" is {kind}, expected an object or null"));
    }
    Ok(geometry.transpose()?.flatten())
}

/// One element of the `features` array.
pub(super) struct FeatureSeed<'a, 'o> {
    pub(super) ctx: &'a mut Ctx<'o>,
}

impl FeatureSeed<'_, '_> {
    fn other(self, kind: &'static str) -> FeatureOutcome {
        Err(format!("{kind}, not a Feature object"))
    }
}

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_, '_> {
    type Value = FeatureOutcome;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<FeatureOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_, '_> {
    type Value = FeatureOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON Feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FeatureOutcome, A::Error> {
        let mut type_name = None;
        let mut geometry = None;
        let mut properties = None;
        let mut duplicate = None;
        while let Some(key) = map.next_key_seed(KeySeed { ctx: &mut *self.ctx })? {
            match key {
                Key::Type => {
                    if type_name.replace(map.next_value_seed(TypeSeed)?).is_some() {
                        duplicate.get_or_insert("type");
                    }
                }
                Key::Geometry => {
                    if geometry.replace(map.next_value_seed(GeomSeed { ctx: &mut *self.ctx })?).is_some() {
                        duplicate.get_or_insert("geometry");
                    }
                }
                Key::Properties => {
                    let parsed = map.next_value_seed(PropertiesSeed { ctx: &mut *self.ctx })?;
                    if properties.is_none() {
                        properties = Some(parsed);
                    } else {
                        // A second `properties` member: the feature is skipped; forget the second one's values
                        // now (they follow the first one's, which `make_feature` forgets).
                        if let Ok(read) = parsed {
                            self.ctx.out.properties.discard(read.pending);
                        }
                        duplicate.get_or_insert("properties");
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(make_feature(type_name, geometry, properties, duplicate, self.ctx))
    }
    reject_scalars!();
    reject_null!();
    reject_array!();
}

/// The `features` array: streams each feature into the builder.
pub(super) struct FeaturesSeed<'a, 'o> {
    pub(super) ctx: &'a mut Ctx<'o>,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl FeaturesSeed<'_, '_> {
    fn not_array<E: de::Error>(self, kind: &'static str) -> E {
        self.ctx.abort(ImportError::NotGeoJson { reason: format!("\"features\" is {kind}, expected an array") })
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            if self.ctx.cancel_requested() {
                return Err(self.ctx.abort(ImportError::Cancelled));
            }
            let Some(outcome) = seq.next_element_seed(FeatureSeed { ctx: &mut *self.ctx })? else {
                return Ok(());
            };
            let index = self.ctx.next_feature;
            self.ctx.next_feature += 1;
            self.ctx.out.record(index, outcome);
            self.ctx.report_progress();
        }
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Err(self.not_array("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Err(self.not_array("a number"))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Err(self.not_array("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.not_array("null"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        Err(self.not_array("an object"))
    }
}
