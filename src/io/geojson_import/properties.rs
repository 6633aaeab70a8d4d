//! A feature's `properties`: read straight into the layer's [`PropertyStore`](crate::io::properties::PropertyStore)
//! as JSON text (values are parsed only when they must be checked or are simplestyle members), or, for a
//! top-level Feature, into a map first.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::builder::Ctx;
use super::json_text::{JSON_NESTING_LIMIT, nesting_depth};
use super::kinds::{reject_array, reject_scalars};
use super::numbers::{has_overflow_marker, is_overflowing_number, unmark_overflow};
use crate::io::layer::is_simplestyle_key;
use crate::io::properties::PendingProperties;

/// A `properties` object read into the layer's property store, not yet committed.
pub(super) struct PropertiesRead {
    pub(super) pending: PendingProperties,
    /// The simplestyle members, when there are any.
    pub(super) style: Option<Map<String, Value>>,
}

/// A `properties` value: the object (nothing for null), or the JSON kind it wrongly is.
pub(super) type PropertiesOutcome = Result<PropertiesRead, (Option<PendingProperties>, &'static str)>;

/// Reads a `properties` object straight into the layer's property store: keys are compared with the previous
/// feature's, values are copied as JSON text without being parsed into `Value`s.
pub(super) struct PropertiesSeed<'a, 'o> {
    pub(super) ctx: &'a mut Ctx<'o>,
}

impl PropertiesSeed<'_, '_> {
    fn other(self, kind: &'static str) -> PropertiesOutcome {
        Err((None, kind))
    }
}

impl<'de> DeserializeSeed<'de> for PropertiesSeed<'_, '_> {
    type Value = PropertiesOutcome;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<PropertiesOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct PropertyKey<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for PropertyKey<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = PropertyKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PropertyKey(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PropertyKey(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed<'_, '_> {
    type Value = PropertiesOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a properties object or null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PropertiesOutcome, A::Error> {
        let overflow_mode = self.ctx.overflow_mode;
        let store = &mut self.ctx.out.properties;
        let mut pending = store.begin();
        let mut style: Option<Map<String, Value>> = None;
        while let Some(PropertyKey(key)) = map.next_key::<PropertyKey<'de>>()? {
            let raw: &'de serde_json::value::RawValue = map.next_value()?;
            let text = raw.get();
            // serde_json skips a raw value without its nesting limit; keep refusing what a full parse refuses
            // (the value sits four levels deep: collection, features, feature, properties).
            let nested = text.starts_with(['[', '{']);
            if nested && nesting_depth(text) > JSON_NESTING_LIMIT - 4 {
                return Err(de::Error::custom("recursion limit exceeded"));
            }
            // Skipping does not check that numbers fit an f64 either: refuse them as a full parse would (the
            // import then marks them and reads again).
            if is_overflowing_number(text) {
                return Err(de::Error::custom("number out of range"));
            }
            // Values with \u escapes are parsed once: serde_json skips them without checking surrogates, and
            // every stored value must parse again later. Overflow markers become the number's text.
            let parsed = if nested || text.contains("\\u") || is_simplestyle_key(&key) {
                let mut value: Value = serde_json::from_str(text).map_err(de::Error::custom)?;
                if overflow_mode {
                    unmark_overflow(&mut value);
                }
                Some(value)
            } else {
                None
            };
            match (&parsed, overflow_mode && has_overflow_marker(text)) {
                (Some(value), true) => store.push_value(&mut pending, &key, &value.to_string()),
                _ => store.push_value(&mut pending, &key, text),
            }
            if is_simplestyle_key(&key)
                && let Some(value) = parsed
            {
                style.get_or_insert_with(Map::new).insert(key.into_owned(), value);
            }
        }
        Ok(Ok(PropertiesRead { pending, style }))
    }
    fn visit_unit<E: de::Error>(self) -> Result<PropertiesOutcome, E> {
        let pending = self.ctx.out.properties.begin();
        Ok(Ok(PropertiesRead { pending, style: None }))
    }
    reject_scalars!();
    reject_array!();
}

/// Puts the properties of a top-level Feature into the store (they were read into a map first).
pub(super) fn properties_from_map(map: &Map<String, Value>, ctx: &mut Ctx<'_>) -> PropertiesRead {
    let store = &mut ctx.out.properties;
    let mut pending = store.begin();
    let mut style: Option<Map<String, Value>> = None;
    for (key, value) in map {
        let mut value = value.clone();
        if ctx.overflow_mode {
            unmark_overflow(&mut value);
        }
        store.push_value(&mut pending, key, &value.to_string());
        if is_simplestyle_key(key) {
            style.get_or_insert_with(Map::new).insert(key.clone(), value);
        }
    }
    PropertiesRead { pending, style }
}

/// Reads the `properties` of a top-level Feature into a map.
pub(super) struct TopPropertiesSeed;

impl TopPropertiesSeed {
    fn other(self, kind: &'static str) -> Result<Map<String, Value>, &'static str> {
        Err(kind)
    }
}

impl<'de> DeserializeSeed<'de> for TopPropertiesSeed {
    type Value = Result<Map<String, Value>, &'static str>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopPropertiesSeed {
    type Value = Result<Map<String, Value>, &'static str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a properties object or null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut properties = Map::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            properties.insert(key, value);
        }
        Ok(Ok(properties))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(Map::new()))
    }
    reject_scalars!();
    reject_array!();
}
