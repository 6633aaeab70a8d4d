//! The `properties` of a layer's features, stored compactly.
//!
//! A `serde_json::Map` per feature costs about nine allocations and several hundred bytes for five small
//! properties; a 40 MB file of points then needs seven times its size in memory. Here the features of a layer
//! share their key lists ("shapes": files usually give every feature the same keys in the same order) and each
//! feature keeps only its values, as JSON text, in one string for the whole layer. A feature's properties cost
//! twelve bytes plus the text of its values; they are parsed back into `serde_json::Value`s when asked for,
//! which the UI does for a handful of rows at a time.
//!
//! Values are kept as the JSON text they had in the file (numbers keep their digits, unknown nested members
//! are kept), so nothing is lost on export.

use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use super::room::Room;

/// Feature properties of one layer: key lists shared between features, values as JSON text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyStore {
    /// Distinct key lists, in the order they were first seen.
    shapes: Vec<Box<[Box<str>]>>,
    /// Index of each key list in `shapes`.
    shape_ids: HashMap<Box<[Box<str>]>, u32>,
    /// Per key list: whether none of its keys has a character JSON text has to escape (`"`, `\`, control
    /// characters), so that a reader may look for it as it is ([`PropertyStore::expected_key`]).
    plain_shapes: Vec<bool>,
    /// Per feature: the index of its key list.
    shape_of: Vec<u32>,
    /// Per feature: the end of its values in `text` (the start is the previous feature's end).
    ends: Vec<u64>,
    /// The values of every feature, each value a JSON text followed by one space.
    text: String,
}

/// Collects the properties of one feature while it is being read; [`PropertyStore::commit`] stores them,
/// [`PropertyStore::discard`] forgets them (the feature turned out to be skipped).
#[derive(Debug, Default)]
pub struct PendingProperties {
    /// Length of the store's text when the feature started.
    mark: usize,
    /// Number of keys read so far.
    count: usize,
    /// While `Some`, the keys read so far equal the first `count` keys of this shape (no key was copied).
    same_as: Option<u32>,
    /// The keys, once they differ from `same_as`.
    keys: Vec<Box<str>>,
}

impl PropertyStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of features.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the store has no features.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Makes room for `features` more features with `text_bytes` more bytes of values.
    pub fn reserve(&mut self, features: usize, text_bytes: usize) {
        self.shape_of.reserve(features);
        self.ends.reserve(features);
        self.text.reserve(text_bytes);
    }

    /// The reserved room of the store's three arrays (key list and end per feature, value text).
    #[must_use]
    pub fn rooms(&self) -> [Room; 3] {
        [
            Room::of(&self.shape_of, self.shape_of.capacity()),
            Room::of(&self.ends, self.ends.capacity()),
            Room::of(self.text.as_bytes(), self.text.capacity()),
        ]
    }

    /// Bytes of value text stored.
    #[must_use]
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Appends a feature with the given properties.
    pub fn push_map(&mut self, properties: &Map<String, Value>) {
        let mut pending = self.begin();
        for (key, value) in properties {
            self.push_value(&mut pending, key, &value.to_string());
        }
        self.commit(pending);
    }

    /// Starts reading the properties of a new feature.
    #[must_use]
    pub fn begin(&self) -> PendingProperties {
        let last = self.shape_of.last().copied().or_else(|| (!self.shapes.is_empty()).then_some(0));
        PendingProperties { mark: self.text.len(), count: 0, same_as: last, keys: Vec::new() }
    }

    /// Adds one property: its key and its value as JSON text (one complete JSON value).
    pub fn push_value(&mut self, pending: &mut PendingProperties, key: &str, raw_json: &str) {
        match pending.same_as {
            Some(shape) => {
                let keys = self.shape_keys(shape);
                if keys.get(pending.count).is_none_or(|k| **k != *key) {
                    pending.keys = keys.iter().take(pending.count).cloned().collect();
                    pending.keys.push(key.into());
                    pending.same_as = None;
                }
            }
            None => pending.keys.push(key.into()),
        }
        pending.count += 1;
        self.text.push_str(raw_json);
        self.text.push(' ');
    }

    /// The key the next property of the feature `pending` collects has when the feature's keys so far are those
    /// of the last feature stored, which has one more: readers check it first (it saves them finding where the
    /// key ends, and [`PropertyStore::push_expected_value`] comparing it). `None` otherwise, and for a key
    /// with a character that JSON text has to escape (`"`, `\`, control characters).
    #[must_use]
    pub fn expected_key(&self, pending: &PendingProperties) -> Option<&str> {
        let shape = pending.same_as?;
        if !self.plain_shapes.get(shape as usize).copied().unwrap_or(false) {
            return None;
        }
        self.shape_keys(shape).get(pending.count).map(|key| &**key)
    }

    /// [`PropertyStore::push_value`] for a property whose key is the [`PropertyStore::expected_key`].
    pub fn push_expected_value(&mut self, pending: &mut PendingProperties, raw_json: &str) {
        pending.count += 1;
        self.text.push_str(raw_json);
        self.text.push(' ');
    }

    /// Stores the feature whose properties `pending` collected.
    pub fn commit(&mut self, pending: PendingProperties) {
        let shape = match pending.same_as {
            Some(shape) if self.shape_keys(shape).len() == pending.count => shape,
            Some(shape) => {
                let keys: Box<[Box<str>]> = self.shape_keys(shape).iter().take(pending.count).cloned().collect();
                self.intern(keys)
            }
            None => self.intern(pending.keys.into_boxed_slice()),
        };
        self.shape_of.push(shape);
        self.ends.push(self.text.len() as u64);
    }

    /// Forgets the values `pending` collected.
    pub fn discard(&mut self, pending: PendingProperties) {
        self.text.truncate(pending.mark);
    }

    fn intern(&mut self, keys: Box<[Box<str>]>) -> u32 {
        if let Some(id) = self.shape_ids.get(&keys) {
            return *id;
        }
        let id = u32::try_from(self.shapes.len()).unwrap_or(u32::MAX);
        let plain = keys.iter().all(|key| key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'));
        self.plain_shapes.push(plain);
        self.shapes.push(keys.clone());
        self.shape_ids.insert(keys, id);
        id
    }

    fn shape_keys(&self, shape: u32) -> &[Box<str>] {
        self.shapes.get(shape as usize).map_or(&[], |k| k)
    }

    /// Appends every feature of `other` (used to join the parts read in parallel).
    pub fn append(&mut self, other: Self) {
        let offset = self.text.len() as u64;
        let remap: Vec<u32> = other.shapes.into_iter().map(|keys| self.intern(keys)).collect();
        self.shape_of.extend(other.shape_of.iter().map(|s| remap.get(*s as usize).copied().unwrap_or(0)));
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.text.push_str(&other.text);
    }

    /// The distinct key lists, in the order they were first seen.
    pub fn shapes(&self) -> impl Iterator<Item = &[Box<str>]> {
        self.shapes.iter().map(|k| &**k)
    }

    /// The property names of feature `i` in file order (a name given twice is listed twice).
    #[must_use]
    pub fn keys(&self, i: usize) -> &[Box<str>] {
        self.shape_of.get(i).map_or(&[], |s| self.shape_keys(*s))
    }

    /// The values of feature `i` as stored: JSON values, each followed by one space.
    #[must_use]
    pub fn raw_values(&self, i: usize) -> &str {
        let Some(end) = self.ends.get(i) else { return "" };
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) };
        self.text.get(start as usize..*end as usize).unwrap_or_default()
    }

    /// The properties of feature `i` as a map in file order (for a name given twice, the last value, as
    /// `serde_json` reads such an object). Empty for an index out of range.
    #[must_use]
    pub fn map(&self, i: usize) -> Map<String, Value> {
        let keys = self.keys(i);
        let mut map = Map::with_capacity(keys.len());
        let values = serde_json::Deserializer::from_str(self.raw_values(i)).into_iter::<Value>();
        for (key, value) in keys.iter().zip(values) {
            map.insert(key.to_string(), value.unwrap_or(Value::Null));
        }
        map
    }

    /// The value of property `key` of feature `i` (the last one when the name is given twice).
    #[must_use]
    pub fn get(&self, i: usize, key: &str) -> Option<Value> {
        let position = self.keys(i).iter().rposition(|k| **k == *key)?;
        let raw = self.raw_values(i);
        let mut skipper = serde_json::Deserializer::from_str(raw).into_iter::<IgnoredAny>();
        for _ in 0..position {
            skipper.next()?.ok()?;
        }
        let offset = skipper.byte_offset();
        serde_json::Deserializer::from_str(raw.get(offset..)?).into_iter::<Value>().next()?.ok()
    }

    /// The value of property `key` of feature `i` as display text: strings without quotes, everything else as
    /// JSON.
    #[must_use]
    pub fn get_text(&self, i: usize, key: &str) -> Option<String> {
        self.get(i, key).map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn store_of(maps: &[Value]) -> PropertyStore {
        let mut store = PropertyStore::new();
        for m in maps {
            store.push_map(m.as_object().unwrap());
        }
        store
    }

    #[test]
    fn features_with_the_same_keys_share_one_shape() {
        let store = store_of(&[json!({"a": 1, "b": "x"}), json!({"a": 2, "b": "y"}), json!({"b": 3})]);
        assert_eq!(store.shapes().count(), 2);
        assert_eq!(store.map(1), *json!({"a": 2, "b": "y"}).as_object().unwrap());
        assert_eq!(store.get(2, "b"), Some(json!(3)));
        assert_eq!(store.get(2, "a"), None);
        assert_eq!(store.get_text(0, "b").as_deref(), Some("x"));
    }

    #[test]
    fn a_prefix_of_the_previous_shape_is_its_own_shape() {
        let store = store_of(&[json!({"a": 1, "b": 2}), json!({"a": 1}), json!({})]);
        assert_eq!(store.keys(1), &["a".into()] as &[Box<str>]);
        assert!(store.keys(2).is_empty());
        assert!(store.map(2).is_empty());
        assert_eq!(store.shapes().count(), 3);
    }

    #[test]
    fn nested_values_and_numbers_keep_their_text() {
        let store = store_of(&[json!({"n": {"deep": [1, 2, {"x": null}]}, "big": 12345678901234567890_u64})]);
        assert_eq!(store.get(0, "n"), Some(json!({"deep": [1, 2, {"x": null}]})));
        assert_eq!(store.get(0, "big"), Some(json!(12345678901234567890_u64)));
    }

    #[test]
    fn discarded_features_leave_nothing_behind() {
        let mut store = PropertyStore::new();
        let mut p = store.begin();
        store.push_value(&mut p, "a", "1");
        store.discard(p);
        let mut p = store.begin();
        store.push_value(&mut p, "b", "\"kept\"");
        store.commit(p);
        assert_eq!(store.len(), 1);
        assert_eq!(store.raw_values(0), "\"kept\" ");
    }

    #[test]
    fn appended_parts_keep_their_values_and_shapes() {
        let mut first = store_of(&[json!({"a": 1}), json!({"b": 2})]);
        let second = store_of(&[json!({"b": 3}), json!({"c": [4]})]);
        first.append(second);
        assert_eq!(first.len(), 4);
        assert_eq!(first.shapes().count(), 3);
        assert_eq!(first.get(2, "b"), Some(json!(3)));
        assert_eq!(first.get(3, "c"), Some(json!([4])));
        assert_eq!(first.get(0, "a"), Some(json!(1)));
    }

    #[test]
    fn an_index_out_of_range_has_no_properties() {
        let store = store_of(&[json!({"a": 1})]);
        assert!(store.map(5).is_empty());
        assert_eq!(store.get(5, "a"), None);
        assert_eq!(store.raw_values(5), "");
    }
}
