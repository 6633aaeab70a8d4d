//! JSON kinds in words ("a string", "an array", …): for the values of [`serde_json::Value`] and, through the
//! `reject_*` macros, for the `visit_*` methods of visitors that expect something else. A visitor using the
//! macros has a method `other(self, kind: &'static str) -> Self::Value` that turns the kind into its outcome.

use serde_json::Value;

/// JSON kind of a value, in words ("a string", "an array", …).
pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Implements the `visit_*` methods for booleans, numbers and strings by calling the visitor's `other(kind)`.
macro_rules! reject_scalars {
    () => {
        fn visit_bool<E: serde::de::Error>(self, _v: bool) -> Result<Self::Value, E> {
            Ok(self.other("a boolean"))
        }
        fn visit_i64<E: serde::de::Error>(self, _v: i64) -> Result<Self::Value, E> {
            Ok(self.other("a number"))
        }
        fn visit_u64<E: serde::de::Error>(self, _v: u64) -> Result<Self::Value, E> {
            Ok(self.other("a number"))
        }
        fn visit_f64<E: serde::de::Error>(self, _v: f64) -> Result<Self::Value, E> {
            Ok(self.other("a number"))
        }
        fn visit_str<E: serde::de::Error>(self, _v: &str) -> Result<Self::Value, E> {
            Ok(self.other("a string"))
        }
    };
}

/// `visit_unit` (JSON null) calling `other`.
macro_rules! reject_null {
    () => {
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(self.other("null"))
        }
    };
}

/// `visit_seq` that skips the array and calls `other`.
macro_rules! reject_array {
    () => {
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            serde::de::Visitor::visit_seq(serde::de::IgnoredAny, seq)?;
            Ok(self.other("an array"))
        }
    };
}

/// `visit_map` that skips the object and calls `other`.
macro_rules! reject_object {
    () => {
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            serde::de::Visitor::visit_map(serde::de::IgnoredAny, map)?;
            Ok(self.other("an object"))
        }
    };
}

pub(super) use {reject_array, reject_null, reject_object, reject_scalars};

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::fmt;

    use serde::de::{DeserializeSeed, Visitor};

    use super::*;

    /// Accepts nothing: every value becomes its kind.
    struct KindSeed;

    impl KindSeed {
        fn other(self, kind: &'static str) -> &'static str {
            kind
        }
    }

    impl<'de> DeserializeSeed<'de> for KindSeed {
        type Value = &'static str;
        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for KindSeed {
        type Value = &'static str;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("anything")
        }
        reject_scalars!();
        reject_null!();
        reject_array!();
        reject_object!();
    }

    #[test]
    fn rejected_values_are_named_like_json_kind_names_them() {
        for text in ["true", "-1", "7", "2.5", "\"s\"", "null", "[1,[2]]", "{\"a\":{}}"] {
            let value: Value = serde_json::from_str(text).unwrap();
            let mut de = serde_json::Deserializer::from_str(text);
            assert_eq!(KindSeed.deserialize(&mut de).unwrap(), json_kind(&value), "{text}");
            de.end().unwrap();
        }
    }
}
