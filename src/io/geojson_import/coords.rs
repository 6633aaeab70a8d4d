//! The `coordinates` of a geometry: streamed into flat buffers ([`CoordTree`]), then checked and built into a
//! `geo` geometry of the type named by `"type"` ([`ParsedGeom`]).

use std::fmt;
use std::mem::MaybeUninit;

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::kinds::{reject_null, reject_object, reject_scalars};
use super::numbers::overflow_text;
use super::type_names::GeomKind;

/// A geometry read from the file, with its z values in coordinate order if any position had one.
pub(super) struct ParsedGeom {
    pub(super) geometry: Geometry<f64>,
    pub(super) z: Option<Vec<f64>>,
    /// What was repaired on the way in (counted into the layer's warnings).
    pub(super) repairs: Repairs,
}

/// Repairs made while reading a geometry, as GDAL makes them (with a warning, instead of a skip).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Repairs {
    /// Positions whose longitude was beyond ±180 by whole turns and was wrapped into −180…180.
    pub(super) wrapped_positions: usize,
    /// The first such longitude as written in the file.
    pub(super) first_wrapped: Option<f64>,
    /// Polygon rings whose last position differed from the first and that were closed.
    pub(super) closed_rings: usize,
}

impl Repairs {
    pub(super) fn add(&mut self, other: Repairs) {
        self.wrapped_positions += other.wrapped_positions;
        self.first_wrapped = self.first_wrapped.or(other.first_wrapped);
        self.closed_rings += other.closed_rings;
    }
}

/// From this many positions a LineString or one-ring Polygon takes the position buffer instead of a copy.
const MOVE_MIN_POSITIONS: usize = 1 << 16;

/// Longitudes are wrapped into −180…180 when they are off by at most this many whole turns (a file drawn on a
/// web map panned across several copies of the world); beyond that the numbers are not degrees (metres of a
/// projected CRS, say) and the feature is skipped rather than misplaced.
const MAX_WRAP_TURNS: f64 = 10.0;

/// `x` wrapped into −180…180 by whole turns, when it is within [`MAX_WRAP_TURNS`] of that range.
fn wrap_longitude(x: f64) -> Option<f64> {
    if !x.is_finite() || x.abs() > 180.0 + 360.0 * MAX_WRAP_TURNS {
        return None;
    }
    let wrapped = (x + 180.0).rem_euclid(360.0) - 180.0;
    // 180 and −180 are the same meridian: keep the sign the file used.
    Some(if wrapped == -180.0 && x > 0.0 { 180.0 } else { wrapped })
}

/// A geometry value: `Ok(None)` for null or empty, `Err` with the reason it is invalid.
pub(super) type GeomOutcome = Result<Option<ParsedGeom>, String>;

/// The `coordinates` of one geometry, flattened while streaming: positions in order plus, per array depth, the
/// number of children of each array that holds arrays (0 = the `coordinates` array itself).
#[derive(Default)]
pub(super) struct CoordTree {
    coords: Vec<Coord<f64>>,
    /// Parallel to `coords` once any position had a z (earlier ones padded with NaN).
    zs: Vec<f64>,
    any_z: bool,
    counts: Vec<Vec<u32>>,
    /// Depth of the position arrays.
    leaf_depth: Option<usize>,
    /// First problem found.
    error: Option<String>,
    /// Longitudes wrapped so far (see [`Repairs`]).
    wrapped_positions: usize,
    first_wrapped: Option<f64>,
}

impl CoordTree {
    pub(super) fn clear(&mut self) {
        self.coords.clear();
        self.zs.clear();
        self.any_z = false;
        self.counts.iter_mut().for_each(Vec::clear);
        self.leaf_depth = None;
        self.error = None;
        self.wrapped_positions = 0;
        self.first_wrapped = None;
    }

    /// The repairs made while the positions were read (wrapped longitudes; rings are closed later).
    fn repairs_so_far(&self) -> Repairs {
        Repairs { wrapped_positions: self.wrapped_positions, first_wrapped: self.first_wrapped, closed_rings: 0 }
    }

    fn fail(&mut self, reason: impl FnOnce() -> String) {
        if self.error.is_none() {
            self.error = Some(reason());
        }
    }

    fn counts_at(&self, depth: usize) -> &[u32] {
        self.counts.get(depth).map_or(&[], Vec::as_slice)
    }

    pub(super) fn push_count(&mut self, depth: usize, children: u32) {
        while self.counts.len() <= depth {
            self.counts.push(Vec::new());
        }
        if let Some(level) = self.counts.get_mut(depth) {
            level.push(children);
        }
    }

    pub(super) fn push_position(&mut self, depth: usize, numbers: [f64; 3], count: usize) {
        if self.error.is_some() || !self.at_leaf_depth(depth) {
            return;
        }
        match check_position(numbers, count) {
            Ok((coord, wrapped_from)) => {
                if let Some(x) = wrapped_from {
                    self.wrapped_positions += 1;
                    self.first_wrapped.get_or_insert(x);
                }
                self.coords.push(coord);
                if count >= 3 {
                    if !self.any_z {
                        self.any_z = true;
                        self.zs.resize(self.coords.len() - 1, f64::NAN);
                    }
                    self.zs.push(numbers[2]);
                } else if self.any_z {
                    self.zs.push(f64::NAN);
                }
            }
            Err(reason) => self.fail(|| reason),
        }
    }

    /// Whether positions at `depth` are at the depth of the earlier ones (set by the first); fails otherwise.
    fn at_leaf_depth(&mut self, depth: usize) -> bool {
        match self.leaf_depth {
            None => self.leaf_depth = Some(depth),
            Some(d) if d != depth => {
                self.fail(|| "positions are nested at different depths".to_owned());
                return false;
            }
            Some(_) => {}
        }
        true
    }

    /// Room for `count` positions at the end, filled elsewhere (on two threads) and then kept with
    /// [`CoordTree::keep_filled`]; where they start, and the room. The room is reserved, not written: each
    /// thread's writes are the first to touch its part, so its fresh pages are mapped on that thread, not all on
    /// the caller's (the huge line's 32 MB of positions: 8k page faults shared instead of taken before parsing).
    pub(super) fn open_positions(&mut self, count: usize) -> (usize, &mut [MaybeUninit<Coord<f64>>]) {
        let base = self.coords.len();
        self.coords.reserve_exact(count);
        (base, self.coords.spare_capacity_mut().get_mut(..count).unwrap_or_default())
    }

    /// Gives back the room opened at `base` (the parts were not all positions).
    pub(super) fn drop_opened(&mut self, base: usize) {
        self.coords.truncate(base);
    }

    /// Keeps the positions filled after `base` at `depth`, the parts in file order and each filled from the start
    /// of its room, exactly as pushing them one by one would have: nothing after an earlier error or after the
    /// first invalid position, z values padded with NaN where a part had none, wrapped longitudes counted.
    /// `rooms` are the sizes of the parts' rooms.
    pub(super) fn keep_filled(&mut self, base: usize, depth: usize, parts: [Filled; 2], rooms: [usize; 2]) {
        if self.error.is_some() || parts.iter().all(|p| p.parsed == 0) || !self.at_leaf_depth(depth) {
            self.coords.truncate(base);
            return;
        }
        if self.coords.len() != base {
            // Not the room `open_positions` gave (nothing was kept in between): nothing of it is known written.
            return;
        }
        let mut kept = base;
        for (part, room) in parts.into_iter().zip(rooms) {
            if part.zs.is_some() && !self.any_z {
                self.any_z = true;
                self.zs.resize(kept, f64::NAN);
            }
            if self.any_z {
                match &part.zs {
                    Some(zs) => self.zs.extend_from_slice(zs),
                    None => self.zs.resize(self.zs.len() + part.written, f64::NAN),
                }
            }
            self.wrapped_positions += part.wrapped_positions;
            self.first_wrapped = self.first_wrapped.or(part.first_wrapped);
            // A part without an error wrote its whole room; one with an error, its valid positions before it.
            kept += part.written.min(room);
            if part.error.is_some() || part.written < room {
                self.error = part.error;
                break;
            }
        }
        let kept = kept.min(self.coords.capacity());
        // SAFETY: the parts wrote their rooms from the start, in order and without gaps (`Filled::put`): the
        // first `written` slots of each part's room, the parts one after the other from `base` (a part is
        // followed only when it wrote its whole room), and `kept` is within the capacity.
        unsafe { self.coords.set_len(kept) };
    }

    /// Turns the buffers into a geometry of `kind`, checking the structure.
    pub(super) fn build(&mut self, kind: GeomKind) -> GeomOutcome {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if let Some(moved) = self.take_huge(kind) {
            return Ok(Some(moved));
        }
        let outcome = self.build_copied(kind);
        // A huge feature's buffer is not kept for the next (small) ones: memory stays the layer's.
        if self.coords.capacity() >= MOVE_MIN_POSITIONS {
            self.coords = Vec::new();
            self.zs = Vec::new();
        }
        outcome
    }

    /// A huge LineString or one-ring Polygon built by moving the position buffer into the geometry (shrunk to
    /// its length) instead of copying it, so a feature of millions of positions is held once, not twice.
    /// `None` for every other case, which [`CoordTree::build_copied`] builds.
    fn take_huge(&mut self, kind: GeomKind) -> Option<ParsedGeom> {
        if self.coords.len() < MOVE_MIN_POSITIONS || self.leaf_depth != Some(kind.leaf_depth()) {
            return None;
        }
        let deeper_empty = self.counts.iter().skip(kind.leaf_depth() + 1).all(Vec::is_empty);
        if !deeper_empty || !self.counts_at(kind.leaf_depth()).is_empty() {
            return None;
        }
        let whole = match kind {
            GeomKind::LineString => true,
            GeomKind::Polygon => {
                self.counts_at(0) == [1]
                    && self.counts_at(1) == [self.coords.len() as u32]
                    && ring_is_closed(&self.coords)
            }
            _ => false,
        };
        if !whole {
            return None;
        }
        let mut coords = std::mem::take(&mut self.coords);
        coords.shrink_to_fit();
        let line = LineString(coords);
        let geometry = match kind {
            GeomKind::Polygon => Geometry::Polygon(Polygon::new(line, Vec::new())),
            _ => Geometry::LineString(line),
        };
        let z = self.any_z.then(|| std::mem::take(&mut self.zs));
        let repairs = self.repairs_so_far();
        Some(ParsedGeom { geometry, z, repairs })
    }

    fn build_copied(&self, kind: GeomKind) -> GeomOutcome {
        let name = kind.name();
        if kind == GeomKind::GeometryCollection {
            return Err("GeometryCollection has \"coordinates\" instead of \"geometries\"".to_owned());
        }
        // `"coordinates": []` — RFC 7946 §3.1 lets us read an empty geometry as null.
        if self.leaf_depth.is_none() && self.counts_at(0) == [0] {
            return Ok(None);
        }
        let leaf = kind.leaf_depth();
        let wrong_nesting = || format!("{name} \"coordinates\" must be {}", kind.expected_coordinates());
        if self.leaf_depth.is_some_and(|d| d != leaf) || self.counts.iter().skip(leaf + 1).any(|c| !c.is_empty()) {
            return Err(wrong_nesting());
        }
        if !self.counts_at(leaf).is_empty() {
            return Err("a position is an empty array, needs at least 2 numbers".to_owned());
        }
        let coords = self.coords.as_slice();
        let mut repairs = self.repairs_so_far();
        let slice = |start: usize, len: u32| -> Result<&[Coord<f64>], String> {
            coords.get(start..start + len as usize).ok_or_else(wrong_nesting)
        };
        let geometry: Geometry<f64> = match kind {
            GeomKind::Point => match coords {
                [c] => Geometry::Point(Point(*c)),
                _ => return Err(wrong_nesting()),
            },
            GeomKind::MultiPoint => Geometry::MultiPoint(MultiPoint(coords.iter().map(|c| Point(*c)).collect())),
            GeomKind::LineString => {
                if coords.len() < 2 {
                    return Err(format!("LineString has {} position, needs at least 2", coords.len()));
                }
                Geometry::LineString(LineString(coords.to_vec()))
            }
            GeomKind::MultiLineString => {
                let mut start = 0;
                let mut lines = Vec::with_capacity(self.counts_at(1).len());
                for (i, &n) in self.counts_at(1).iter().enumerate() {
                    if n < 2 {
                        return Err(format!("line {i} of the MultiLineString has {n} position, needs at least 2"));
                    }
                    lines.push(LineString(slice(start, n)?.to_vec()));
                    start += n as usize;
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            GeomKind::Polygon => {
                let mut start = 0;
                Geometry::Polygon(polygon(self.counts_at(1), &mut start, &slice, "the Polygon", &mut repairs)?)
            }
            GeomKind::MultiPolygon => {
                let ring_counts = self.counts_at(2);
                let mut next_ring = 0usize;
                let mut start = 0;
                let mut polygons = Vec::with_capacity(self.counts_at(1).len());
                for (p, &rings) in self.counts_at(1).iter().enumerate() {
                    if rings == 0 {
                        return Err(format!("polygon {p} of the MultiPolygon has no rings"));
                    }
                    let these = ring_counts.get(next_ring..next_ring + rings as usize).ok_or_else(wrong_nesting)?;
                    next_ring += rings as usize;
                    let what = format!("polygon {p} of the MultiPolygon");
                    polygons.push(polygon(these, &mut start, &slice, &what, &mut repairs)?);
                }
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            GeomKind::GeometryCollection => return Err(wrong_nesting()),
        };
        // A ring closed on the way in gained a position: repeat its first z too.
        let z = self.any_z.then(|| if repairs.closed_rings == 0 { self.zs.clone() } else { closed_zs(self, kind) });
        Ok(Some(ParsedGeom { geometry, z, repairs }))
    }
}

/// A position checked as [`CoordTree::push_position`] checks it: the coordinate (its longitude wrapped by whole
/// turns when that puts it in range, with the longitude as written) or why it is invalid.
fn check_position(numbers: [f64; 3], count: usize) -> Result<(Coord<f64>, Option<f64>), String> {
    let [mut x, y, _] = numbers;
    let mut wrapped_from = None;
    if count >= 2
        && !(-180.0..=180.0).contains(&x)
        && (-90.0..=90.0).contains(&y)
        && let Some(w) = wrap_longitude(x)
    {
        wrapped_from = Some(x);
        x = w;
    }
    if count < 2 {
        Err(format!("a position has {count} number, needs at least 2 (longitude, latitude)"))
    } else if !(-180.0..=180.0).contains(&x) {
        Err(format!("longitude {x} is outside −180…180 (by more than {MAX_WRAP_TURNS} whole turns)"))
    } else if !(-90.0..=90.0).contains(&y) {
        Err(format!("latitude {y} is outside −90…90"))
    } else {
        Ok((Coord { x, y }, wrapped_from))
    }
}

/// Positions one thread put into its part of [`CoordTree::open_positions`].
#[derive(Debug, Default)]
pub(super) struct Filled {
    /// Positions read (valid or not).
    pub(super) parsed: usize,
    /// Valid positions written before the first invalid one.
    pub(super) written: usize,
    /// The z of each written position (NaN for none), once one had a z.
    zs: Option<Vec<f64>>,
    wrapped_positions: usize,
    first_wrapped: Option<f64>,
    /// Why the first invalid position is invalid.
    error: Option<String>,
}

impl Filled {
    /// Puts the next position into `room` (or notes why it is invalid; after that nothing more is written).
    pub(super) fn put(&mut self, room: &mut [MaybeUninit<Coord<f64>>], numbers: [f64; 3], count: usize) {
        self.parsed += 1;
        if self.error.is_some() {
            return;
        }
        match check_position(numbers, count) {
            Ok((coord, wrapped_from)) => {
                let Some(slot) = room.get_mut(self.written) else {
                    // More positions than room: the caller compares `parsed` with the room and keeps nothing.
                    return;
                };
                slot.write(coord);
                if let Some(x) = wrapped_from {
                    self.wrapped_positions += 1;
                    self.first_wrapped.get_or_insert(x);
                }
                let z = if count >= 3 { numbers[2] } else { f64::NAN };
                match &mut self.zs {
                    Some(zs) => zs.push(z),
                    None if count >= 3 => {
                        let mut zs = vec![f64::NAN; self.written];
                        zs.push(z);
                        self.zs = Some(zs);
                    }
                    None => {}
                }
                self.written += 1;
            }
            Err(reason) => self.error = Some(reason),
        }
    }
}

/// Whether a ring of `ring` positions is closed, or can be closed by repeating its first position: a ring
/// needs 4 positions once closed (3 distinct corners).
fn ring_is_closed(ring: &[Coord<f64>]) -> bool {
    ring.first() == ring.last()
}

/// The z values with each ring that was closed on the way in given its first z again at its end.
fn closed_zs(tree: &CoordTree, kind: GeomKind) -> Vec<f64> {
    let ring_sizes: &[u32] = match kind {
        GeomKind::Polygon => tree.counts_at(1),
        GeomKind::MultiPolygon => tree.counts_at(2),
        _ => return tree.zs.clone(),
    };
    let mut out = Vec::with_capacity(tree.zs.len() + ring_sizes.len());
    let mut start = 0;
    for &n in ring_sizes {
        let end = start + n as usize;
        let (Some(ring), Some(zs)) = (tree.coords.get(start..end), tree.zs.get(start..end)) else { break };
        out.extend_from_slice(zs);
        if !ring_is_closed(ring) {
            out.push(zs.first().copied().unwrap_or(f64::NAN));
        }
        start = end;
    }
    out
}

/// Builds one polygon from consecutive rings of `ring_sizes` positions, starting at coordinate `*start`. A ring
/// whose last position differs from its first is closed (counted in `repairs`), as GDAL does.
fn polygon<'c>(
    ring_sizes: &[u32],
    start: &mut usize,
    slice: &dyn Fn(usize, u32) -> Result<&'c [Coord<f64>], String>,
    what: &str,
    repairs: &mut Repairs,
) -> Result<Polygon<f64>, String> {
    let mut rings = Vec::with_capacity(ring_sizes.len());
    for (r, &n) in ring_sizes.iter().enumerate() {
        let ring = slice(*start, n)?;
        *start += n as usize;
        let closed = ring_is_closed(ring);
        let positions = if closed { n as usize } else { n as usize + 1 };
        if positions < 4 {
            let note = if closed { String::new() } else { " once closed".to_owned() };
            return Err(format!("ring {r} of {what} has {positions} positions{note}, needs at least 4"));
        }
        let mut line = Vec::with_capacity(positions);
        line.extend_from_slice(ring);
        if !closed {
            line.push(ring[0]);
            repairs.closed_rings += 1;
        }
        rings.push(LineString(line));
    }
    let mut rings = rings.into_iter();
    let exterior = rings.next().ok_or_else(|| format!("{what} has no rings"))?;
    Ok(Polygon::new(exterior, rings.collect()))
}

/// One element of a coordinate array.
enum Elem {
    Number(f64),
    Array,
    /// A number beyond the f64 range (second pass only), with its text.
    Overflow(String),
    Other(&'static str),
}

/// Reads the array at `depth` of a `coordinates` value into `tree`.
fn read_array<'de, A: SeqAccess<'de>>(tree: &mut CoordTree, depth: usize, mut seq: A) -> Result<(), A::Error> {
    let mut numbers = [0.0_f64; 3];
    let mut n_numbers = 0usize;
    let mut n_arrays = 0u32;
    while let Some(elem) = seq.next_element_seed(ElemSeed { tree: &mut *tree, depth: depth + 1 })? {
        match elem {
            Elem::Number(v) => {
                if let Some(slot) = numbers.get_mut(n_numbers) {
                    *slot = v;
                }
                n_numbers += 1;
            }
            Elem::Array => n_arrays = n_arrays.saturating_add(1),
            Elem::Overflow(text) => tree.fail(|| format!("coordinate {text} is not a finite number")),
            Elem::Other(kind) => tree.fail(|| format!("a coordinate is {kind}, expected a number")),
        }
    }
    if n_numbers > 0 && n_arrays > 0 {
        tree.fail(|| "a coordinate array mixes numbers and arrays".to_owned());
    } else if n_numbers > 0 {
        tree.push_position(depth, numbers, n_numbers);
    } else {
        tree.push_count(depth, n_arrays);
    }
    Ok(())
}

struct ElemSeed<'t> {
    tree: &'t mut CoordTree,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ElemSeed<'_> {
    type Value = Elem;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Elem, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElemSeed<'_> {
    type Value = Elem;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or an array")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Elem, E> {
        Ok(Elem::Number(v))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Elem, E> {
        Ok(Elem::Number(v as f64))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Elem, E> {
        Ok(Elem::Number(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Elem, A::Error> {
        read_array(self.tree, self.depth, seq)?;
        Ok(Elem::Array)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Elem, E> {
        Ok(match overflow_text(v) {
            Some(text) => Elem::Overflow(text.to_owned()),
            None => Elem::Other("a string"),
        })
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Elem, E> {
        Ok(Elem::Other("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Elem, E> {
        Ok(Elem::Other("null"))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Elem, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Elem::Other("an object"))
    }
}

/// The `coordinates` value: fills the tree (cleared by the caller).
pub(super) struct CoordsSeed<'t> {
    pub(super) tree: &'t mut CoordTree,
}

impl CoordsSeed<'_> {
    fn other(self, kind: &'static str) {
        self.tree.fail(|| format!("\"coordinates\" is {kind}, expected an array"));
    }
}

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a coordinates array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        read_array(self.tree, 0, seq)
    }
    reject_scalars!();
    reject_null!();
    reject_object!();
}
