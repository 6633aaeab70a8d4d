//! Geometry objects: their members (`type`, `coordinates`, `geometries`) in any order, a geometry value that
//! may be null, and the `geometries` array of a GeometryCollection.

use std::fmt;

use geo::{CoordsIter, Geometry, GeometryCollection};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::builder::Ctx;
use super::coords::{CoordTree, CoordsSeed, GeomOutcome, ParsedGeom};
use super::kinds::{reject_array, reject_null, reject_object, reject_scalars};
use super::type_names::{GeomKind, Key, KeySeed, TypeName, TypeSeed};

/// `coordinates` read before (`Pending`) or after (`Built`) the geometry's type was known.
enum CoordsState {
    Built(GeomOutcome),
    Pending(CoordTree),
}

/// The members of a geometry object seen so far.
#[derive(Default)]
pub(super) struct GeomParts {
    pub(super) kind: Option<TypeName>,
    coords: Option<CoordsState>,
    geometries: Option<Result<Vec<ParsedGeom>, String>>,
    duplicate: Option<&'static str>,
}

impl GeomParts {
    /// Reads the value of `key` if it is a geometry member; `false` when the caller has to handle it.
    pub(super) fn accept<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key,
        map: &mut A,
        ctx: &mut Ctx<'_>,
    ) -> Result<bool, A::Error> {
        match key {
            Key::Type => {
                let type_name = map.next_value_seed(TypeSeed)?;
                if self.kind.is_some() {
                    self.duplicate.get_or_insert("type");
                }
                self.kind = Some(type_name);
            }
            Key::Coordinates => {
                ctx.scratch.clear();
                map.next_value_seed(CoordsSeed { tree: &mut ctx.scratch })?;
                if self.coords.is_some() {
                    self.duplicate.get_or_insert("coordinates");
                }
                self.coords = Some(match &self.kind {
                    Some(TypeName::Geometry(kind)) if *kind != GeomKind::GeometryCollection => {
                        CoordsState::Built(ctx.scratch.build(*kind))
                    }
                    _ => CoordsState::Pending(std::mem::take(&mut ctx.scratch)),
                });
            }
            Key::Geometries => {
                let geometries = map.next_value_seed(GeometriesSeed { ctx })?;
                if self.geometries.is_some() {
                    self.duplicate.get_or_insert("geometries");
                }
                self.geometries = Some(geometries);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    pub(super) fn finish(self) -> GeomOutcome {
        if let Some(member) = self.duplicate {
            return Err(format!("duplicate \"{member}\" member in a geometry"));
        }
        let kind = match self.kind {
            None => return Err("geometry has no \"type\"".to_owned()),
            Some(TypeName::Geometry(kind)) => kind,
            Some(TypeName::NotString(kind)) => return Err(format!("geometry \"type\" is {kind}, expected a string")),
            Some(other) => return Err(format!("unknown geometry type {}", other.describe())),
        };
        if kind == GeomKind::GeometryCollection {
            return match self.geometries {
                None => Err("GeometryCollection has no \"geometries\" array".to_owned()),
                Some(Err(e)) => Err(e),
                Some(Ok(children)) => Ok(collection(children)),
            };
        }
        match self.coords {
            None => Err(format!("{} has no \"coordinates\"", kind.name())),
            Some(CoordsState::Built(outcome)) => outcome,
            Some(CoordsState::Pending(mut tree)) => tree.build(kind),
        }
    }
}

/// A GeometryCollection of the non-null children; `None` when there are none.
pub(super) fn collection(children: Vec<ParsedGeom>) -> Option<ParsedGeom> {
    if children.is_empty() {
        return None;
    }
    let z = children.iter().any(|c| c.z.is_some()).then(|| {
        let mut z = Vec::new();
        for child in &children {
            match &child.z {
                Some(values) => z.extend_from_slice(values),
                None => z.extend(std::iter::repeat_n(f64::NAN, child.geometry.coords_count())),
            }
        }
        z
    });
    let mut repairs = super::coords::Repairs::default();
    for child in &children {
        repairs.add(child.repairs);
    }
    let geometry = Geometry::GeometryCollection(GeometryCollection(children.into_iter().map(|c| c.geometry).collect()));
    Some(ParsedGeom { geometry, z, repairs })
}

/// A geometry value (object or null).
pub(super) struct GeomSeed<'a, 'o> {
    pub(super) ctx: &'a mut Ctx<'o>,
}

impl GeomSeed<'_, '_> {
    fn other(self, kind: &'static str) -> GeomOutcome {
        Err(format!("geometry is {kind}, expected an object or null"))
    }
}

impl<'de> DeserializeSeed<'de> for GeomSeed<'_, '_> {
    type Value = GeomOutcome;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<GeomOutcome, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeomSeed<'_, '_> {
    type Value = GeomOutcome;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON geometry or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<GeomOutcome, E> {
        Ok(Ok(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GeomOutcome, A::Error> {
        let mut parts = GeomParts::default();
        while let Some(key) = map.next_key_seed(KeySeed { ctx: &mut *self.ctx })? {
            if !parts.accept(key, &mut map, self.ctx)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(parts.finish())
    }
    reject_scalars!();
    reject_array!();
}

/// The `geometries` array of a GeometryCollection.
struct GeometriesSeed<'a, 'o> {
    ctx: &'a mut Ctx<'o>,
}

impl GeometriesSeed<'_, '_> {
    fn other(self, kind: &'static str) -> Result<Vec<ParsedGeom>, String> {
        Err(format!("\"geometries\" is {kind}, expected an array"))
    }
}

impl<'de> DeserializeSeed<'de> for GeometriesSeed<'_, '_> {
    type Value = Result<Vec<ParsedGeom>, String>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeometriesSeed<'_, '_> {
    type Value = Result<Vec<ParsedGeom>, String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of geometries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut children = Vec::new();
        let mut error = None;
        let mut i = 0usize;
        while let Some(child) = seq.next_element_seed(GeomSeed { ctx: &mut *self.ctx })? {
            match child {
                Ok(Some(g)) => children.push(g),
                Ok(None) => {}
                Err(e) => {
                    error.get_or_insert_with(|| format!("geometries[{i}]: {e}"));
                }
            }
            i += 1;
        }
        Ok(match error {
            Some(e) => Err(e),
            None => Ok(children),
        })
    }
    reject_scalars!();
    reject_null!();
    reject_object!();
}
