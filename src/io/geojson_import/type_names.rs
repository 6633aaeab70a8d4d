//! The object members the importer looks at ([`Key`]) and the values of `"type"` ([`TypeName`], [`GeomKind`]).

use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use super::builder::Ctx;
use super::kinds::{reject_array, reject_null, reject_object};

/// The object members the importer looks at; all others are skipped unparsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Type,
    Features,
    Geometry,
    Geometries,
    Coordinates,
    Properties,
    Crs,
    Other,
}

impl Key {
    fn of(name: &str) -> Self {
        match name {
            "type" => Self::Type,
            "features" => Self::Features,
            "geometry" => Self::Geometry,
            "geometries" => Self::Geometries,
            "coordinates" => Self::Coordinates,
            "properties" => Self::Properties,
            "crs" => Self::Crs,
            _ => Self::Other,
        }
    }
}

/// An object key; a key borrowed from the input also marks the progress position.
pub(super) struct KeySeed<'a, 'o> {
    pub(super) ctx: &'a mut Ctx<'o>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key, E> {
        self.ctx.note_offset(v);
        Ok(Key::of(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key::of(v))
    }
}

/// Geometry types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GeomKind {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
    GeometryCollection,
}

impl GeomKind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Point => "Point",
            Self::MultiPoint => "MultiPoint",
            Self::LineString => "LineString",
            Self::MultiLineString => "MultiLineString",
            Self::Polygon => "Polygon",
            Self::MultiPolygon => "MultiPolygon",
            Self::GeometryCollection => "GeometryCollection",
        }
    }

    /// Array depth of the positions inside `coordinates` (0: `coordinates` is the position).
    pub(super) fn leaf_depth(self) -> usize {
        match self {
            Self::Point | Self::GeometryCollection => 0,
            Self::MultiPoint | Self::LineString => 1,
            Self::Polygon | Self::MultiLineString => 2,
            Self::MultiPolygon => 3,
        }
    }

    /// What `coordinates` must be, in words.
    pub(super) fn expected_coordinates(self) -> &'static str {
        match self {
            Self::Point | Self::GeometryCollection => "a position [longitude, latitude]",
            Self::MultiPoint | Self::LineString => "an array of positions",
            Self::Polygon => "an array of rings, each an array of positions",
            Self::MultiLineString => "an array of lines, each an array of positions",
            Self::MultiPolygon => "an array of polygons, each an array of rings",
        }
    }
}

/// The value of a `"type"` member.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TypeName {
    Geometry(GeomKind),
    Feature,
    FeatureCollection,
    Other(String),
    NotString(&'static str),
}

impl TypeName {
    /// The type in words: the name in quotes, or the JSON kind of a value that is not a string.
    pub(super) fn describe(&self) -> String {
        match self {
            Self::Geometry(kind) => format!("\"{}\"", kind.name()),
            Self::Feature => "\"Feature\"".to_owned(),
            Self::FeatureCollection => "\"FeatureCollection\"".to_owned(),
            Self::Other(s) => format!("\"{s}\""),
            Self::NotString(kind) => (*kind).to_owned(),
        }
    }
}

/// The value of a `"type"` member.
pub(super) struct TypeSeed;

impl TypeSeed {
    fn other(self, kind: &'static str) -> TypeName {
        TypeName::NotString(kind)
    }
}

impl<'de> DeserializeSeed<'de> for TypeSeed {
    type Value = TypeName;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<TypeName, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TypeSeed {
    type Value = TypeName;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON type name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeName, E> {
        Ok(match v {
            "Point" => TypeName::Geometry(GeomKind::Point),
            "MultiPoint" => TypeName::Geometry(GeomKind::MultiPoint),
            "LineString" => TypeName::Geometry(GeomKind::LineString),
            "MultiLineString" => TypeName::Geometry(GeomKind::MultiLineString),
            "Polygon" => TypeName::Geometry(GeomKind::Polygon),
            "MultiPolygon" => TypeName::Geometry(GeomKind::MultiPolygon),
            "GeometryCollection" => TypeName::Geometry(GeomKind::GeometryCollection),
            "Feature" => TypeName::Feature,
            "FeatureCollection" => TypeName::FeatureCollection,
            other => TypeName::Other(other.to_owned()),
        })
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<TypeName, E> {
        Ok(self.other("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<TypeName, E> {
        Ok(self.other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<TypeName, E> {
        Ok(self.other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<TypeName, E> {
        Ok(self.other("a number"))
    }
    reject_null!();
    reject_array!();
    reject_object!();
}
