//! The top-level object: a FeatureCollection (its `features` array streamed, its legacy `crs` checked), a
//! single Feature or a bare geometry. Anything else is not GeoJSON.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::builder::Ctx;
use super::error::ImportError;
use super::feature::{FeaturesSeed, feature_from_geometry, make_feature};
use super::geometry::{GeomParts, GeomSeed};
use super::kinds::json_kind;
use super::properties::{TopPropertiesSeed, properties_from_map};
use super::type_names::{Key, KeySeed, TypeName};

/// Whether a `crs` name means WGS84 longitude/latitude.
fn is_wgs84_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.contains("CRS84")
        || upper.contains("CRS:84")
        || upper.contains("WGS84")
        || upper.contains("WGS 84")
        || (upper.contains("EPSG") && upper.trim_end().ends_with("4326"))
}

/// `EPSG:3857` for `urn:ogc:def:crs:EPSG::3857` and similar, otherwise the name itself.
fn short_crs_name(name: &str) -> String {
    if name.to_ascii_uppercase().contains("EPSG") {
        let code = name.rsplit(':').next().unwrap_or_default().trim();
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
            return format!("EPSG:{code}");
        }
    }
    name.to_owned()
}

/// The name a legacy `crs` member gives (`{"type":"name","properties":{"name":…}}`).
fn crs_name(crs: &Value) -> Option<&str> {
    crs.get("properties").and_then(|p| p.get("name")).and_then(Value::as_str)
}

/// The warning for a legacy `crs` member, `None` when it names WGS84.
fn crs_warning(crs: &Value) -> Option<String> {
    match crs {
        Value::Null => None,
        Value::Object(obj) => match obj.get("properties").and_then(|p| p.get("name")).and_then(Value::as_str) {
            Some(name) if is_wgs84_name(name) => None,
            Some(name) => {
                Some(format!("crs {} is not WGS84; coordinates are read as longitude/latitude", short_crs_name(name)))
            }
            None => Some("crs member does not name a CRS; coordinates are read as WGS84 longitude/latitude".to_owned()),
        },
        other => Some(format!(
            "crs member is {}; ignored, coordinates are read as WGS84 longitude/latitude",
            json_kind(other)
        )),
    }
}

/// The whole document.
pub(super) struct TopSeed<'a, 'o> {
    pub(super) ctx: &'a mut Ctx<'o>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TopSeed<'_, '_> {
    fn not_object<E: de::Error>(self, kind: &'static str) -> E {
        self.ctx.abort(ImportError::NotGeoJson {
            reason: format!("the top-level value is {kind}; expected a GeoJSON object"),
        })
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let mut parts = GeomParts::default();
        let mut features_seen = false;
        let mut geometry = None;
        let mut properties = None;
        let mut duplicate = None;
        while let Some(key) = map.next_key_seed(KeySeed { ctx: &mut *ctx })? {
            if parts.accept(key, &mut map, ctx)? {
                continue;
            }
            match key {
                Key::Features => {
                    if features_seen {
                        ctx.out.stats.warnings.push("the file has more than one \"features\" array".to_owned());
                    }
                    features_seen = true;
                    map.next_value_seed(FeaturesSeed { ctx: &mut *ctx })?;
                }
                Key::Geometry => {
                    if geometry.replace(map.next_value_seed(GeomSeed { ctx: &mut *ctx })?).is_some() {
                        duplicate.get_or_insert("geometry");
                    }
                }
                Key::Properties => {
                    // Read into a map of its own: the `features` array may follow, and its features' values go
                    // into the store first.
                    if properties.replace(map.next_value_seed(TopPropertiesSeed)?).is_some() {
                        duplicate.get_or_insert("properties");
                    }
                }
                Key::Crs => {
                    let crs = map.next_value::<Value>()?;
                    if let Some(warning) = crs_warning(&crs) {
                        ctx.out.stats.warnings.push(warning);
                        ctx.out.stats.declared_crs = crs_name(&crs).map(short_crs_name);
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let expected = "expected FeatureCollection, Feature or a geometry";
        match parts.kind.take() {
            None => Err(ctx.abort(ImportError::NotGeoJson {
                reason: format!("the top-level object has no \"type\" member; {expected}"),
            })),
            Some(TypeName::FeatureCollection) => {
                ctx.collection = true;
                if !features_seen {
                    ctx.out.stats.warnings.push("the FeatureCollection has no \"features\" array".to_owned());
                }
                Ok(())
            }
            Some(TypeName::Feature) => {
                let properties = properties.map(|p| p.map(|map| properties_from_map(&map, ctx)).map_err(|k| (None, k)));
                let outcome = make_feature(Some(TypeName::Feature), geometry, properties, duplicate, ctx);
                ctx.out.record(0, outcome);
                Ok(())
            }
            Some(TypeName::Geometry(kind)) => {
                parts.kind = Some(TypeName::Geometry(kind));
                let outcome = feature_from_geometry(parts.finish(), ctx);
                ctx.out.record(0, outcome);
                Ok(())
            }
            Some(TypeName::Other(name)) => {
                Err(ctx
                    .abort(ImportError::NotGeoJson { reason: format!("top-level \"type\" is \"{name}\"; {expected}") }))
            }
            Some(TypeName::NotString(kind)) => Err(ctx.abort(ImportError::NotGeoJson {
                reason: format!("top-level \"type\" is {kind}, not a string; {expected}"),
            })),
        }
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Err(self.not_object("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Err(self.not_object("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.not_object("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        Err(self.not_object("an array"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crs_names_of_wgs84_give_no_warning_and_others_are_named_shortly() {
        let named = |name: &str| serde_json::json!({"type": "name", "properties": {"name": name}});
        for name in ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "WGS 84"] {
            assert_eq!(crs_warning(&named(name)), None, "{name}");
        }
        let warning = crs_warning(&named("urn:ogc:def:crs:EPSG::3857")).unwrap_or_default();
        assert!(warning.starts_with("crs EPSG:3857 is not WGS84"), "{warning}");
        assert_eq!(crs_warning(&Value::Null), None);
        assert!(crs_warning(&serde_json::json!(7)).is_some_and(|w| w.contains("is a number")));
        assert!(crs_warning(&serde_json::json!({})).is_some_and(|w| w.contains("does not name a CRS")));
    }
}
