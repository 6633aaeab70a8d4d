//! The direct reader: a hand-written scanner for the usual shape of a feature, used by the block reader before
//! serde. It reads a Feature object whose members are `type` ("Feature"), `properties` (null or an object of
//! scalar values) and `geometry` (null, an object of `type` and `coordinates`, or a GeometryCollection's `type`
//! and `geometries`), plus foreign members with scalar values, in any order, and feeds the very builders the serde visitors feed
//! ([`PropertyStore::push_value`], [`CoordTree`], [`make_feature`]). Numbers are converted with serde_json's own
//! algorithm (ported below), so a feature read here is bit for bit the feature the serde visitors make.
//!
//! Anything else — escapes in keys, `\u` escapes in values, nested property values, simplestyle members,
//! `bbox`, duplicate members, a number beyond `u64` digits or the `f64` range, invalid JSON,
//! the end of the text — makes it give up on the feature ([`Bail`]) without a trace: the values it stored are
//! forgotten and the serde visitors read the feature instead, with their messages and their checks.
//!
//! [`PropertyStore::push_value`]: crate::io::properties::PropertyStore::push_value

use std::sync::LazyLock;

use super::builder::{Ctx, FeatureOutcome};
use super::coords::{CoordTree, GeomOutcome, ParsedGeom};
use super::feature::make_feature;
use super::geometry::collection;
use super::numbers::is_overflowing_number;
use super::properties::{PropertiesOutcome, PropertiesRead};
use super::type_names::{GeomKind, TypeName};
use crate::io::layer::is_simplestyle_key;

/// Deepest `coordinates` nesting read here (a MultiPolygon's positions are at depth 3).
const MAX_COORD_DEPTH: usize = 8;

/// The feature is not read here: the serde visitors read it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Bail;

type Direct<T> = Result<T, Bail>;

/// What [`read_feature`] made of the text.
pub(super) enum Read {
    /// The feature's outcome and the offset just after its closing brace.
    Feature(FeatureOutcome, usize),
    /// The text ended inside the feature, everything before was of the usual shape.
    Cut,
    /// Something unusual: the serde visitors must read the feature.
    Unusual,
}

/// Reads the feature object that starts at byte `start` of `text`. When it is not [`Read::Feature`], nothing it
/// did is left behind.
pub(super) fn read_feature(text: &str, start: usize, ctx: &mut Ctx<'_>) -> Read {
    let mark = ctx.out.properties.begin();
    let mut cursor = Cursor { text, bytes: text.as_bytes(), pos: start };
    match feature(&mut cursor, ctx) {
        Ok(outcome) => Read::Feature(outcome, cursor.pos),
        Err(Bail) => {
            ctx.out.properties.discard(mark);
            if cursor.pos >= text.len() { Read::Cut } else { Read::Unusual }
        }
    }
}

/// The members of a feature read here (foreign members aside).
const FEATURE_MEMBERS: &[&[u8]] = &[b"type", b"properties", b"geometry"];

/// The members of a geometry read here.
const GEOMETRY_MEMBERS: &[&[u8]] = &[b"type", b"coordinates", b"geometries"];

/// The members of one feature, then the feature as the serde visitor makes it.
fn feature(c: &mut Cursor<'_>, ctx: &mut Ctx<'_>) -> Direct<FeatureOutcome> {
    c.expect(b'{')?;
    let mut type_name = None;
    let mut properties: Option<PropertiesOutcome> = None;
    let mut geometry: Option<GeomOutcome> = None;
    if c.members_start()? {
        loop {
            match c.member_of(FEATURE_MEMBERS)? {
                Some(0) => {
                    if type_name.is_some() || !(c.string_is(b"Feature") || c.string()? == "Feature") {
                        return Err(Bail);
                    }
                    type_name = Some(TypeName::Feature);
                }
                Some(1) => {
                    if properties.is_some() {
                        return Err(Bail);
                    }
                    properties = Some(read_properties(c, ctx)?);
                }
                Some(_) => {
                    if geometry.is_some() {
                        return Err(Bail);
                    }
                    geometry = Some(read_geometry(c, &mut ctx.scratch)?);
                }
                None => {
                    c.scalar()?;
                }
            }
            if !c.members_next()? {
                break;
            }
        }
    }
    Ok(make_feature(type_name, geometry, properties, None, ctx))
}

/// A `properties` value: null, or an object of scalar values stored as their JSON text.
fn read_properties(c: &mut Cursor<'_>, ctx: &mut Ctx<'_>) -> Direct<PropertiesOutcome> {
    if ctx.overflow_mode {
        return Err(Bail);
    }
    let store = &mut ctx.out.properties;
    let mut pending = store.begin();
    c.skip_ws();
    if c.literal(b"null") {
        return Ok(Ok(PropertiesRead { pending, style: None }));
    }
    c.expect(b'{')?;
    if c.members_start()? {
        loop {
            // Features usually have the keys of the feature before them: the next of those is tried first.
            let expected =
                store.expected_key(&pending).is_some_and(|key| !maybe_simplestyle(key) && c.key_is(key.as_bytes()));
            let key = if expected { None } else { Some(c.key()?) };
            // A simplestyle member is parsed into the feature's style by the serde visitor.
            if key.is_some_and(maybe_simplestyle) {
                return Err(Bail);
            }
            let value = c.scalar()?;
            // serde_json refuses numbers beyond f64; the import then reads the file again with them marked.
            if value.starts_with(|b: char| b == '-' || b.is_ascii_digit()) && is_overflowing_number(value) {
                return Err(Bail);
            }
            match key {
                Some(key) => store.push_value(&mut pending, key, value),
                None => store.push_expected_value(&mut pending, value),
            }
            if !c.members_next()? {
                break;
            }
        }
    }
    Ok(Ok(PropertiesRead { pending, style: None }))
}

/// Whether two short byte strings are equal, compared in a loop without early exit (which the compiler keeps
/// inline: `==` calls the C library's `memcmp`, whose call costs more than comparing a key's few bytes).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |differ, (x, y)| differ | (x ^ y)) == 0
}

/// Whether `key` is one of the simplestyle keys, tested on its first byte first.
fn maybe_simplestyle(key: &str) -> bool {
    matches!(key.as_bytes().first(), Some(b's' | b'f' | b'm' | b't')) && is_simplestyle_key(key)
}

/// A `geometry` value: null, or an object with `type` and `coordinates` only, or a GeometryCollection's `type`
/// and `geometries`.
fn read_geometry(c: &mut Cursor<'_>, tree: &mut CoordTree) -> Direct<GeomOutcome> {
    read_geometry_at(c, tree, 0)
}

/// Deepest nesting of GeometryCollections read here.
const MAX_COLLECTION_NESTING: usize = 8;

/// A geometry value inside `nesting` GeometryCollections.
fn read_geometry_at(c: &mut Cursor<'_>, tree: &mut CoordTree, nesting: usize) -> Direct<GeomOutcome> {
    c.skip_ws();
    if c.literal(b"null") {
        return Ok(Ok(None));
    }
    c.expect(b'{')?;
    let mut kind = None;
    let mut coordinates = false;
    let mut geometries = None;
    if c.members_start()? {
        loop {
            match c.member_of(GEOMETRY_MEMBERS)? {
                Some(0) if kind.is_none() => kind = Some(c.geometry_kind()?),
                Some(1) if !coordinates && geometries.is_none() => {
                    coordinates = true;
                    tree.clear();
                    c.skip_ws();
                    c.expect(b'[')?;
                    coords_array(c, tree, 0)?;
                }
                Some(2) if geometries.is_none() && !coordinates && nesting < MAX_COLLECTION_NESTING => {
                    geometries = Some(read_geometries(c, tree, nesting + 1)?);
                }
                _ => return Err(Bail),
            }
            if !c.members_next()? {
                break;
            }
        }
    }
    match (kind, coordinates, geometries) {
        (Some(GeomKind::GeometryCollection), false, Some(children)) => Ok(children.map(collection)),
        (Some(kind), true, None) if kind != GeomKind::GeometryCollection => Ok(tree.build(kind)),
        _ => Err(Bail),
    }
}

/// A GeometryCollection's `geometries`, as the serde visitor (`geometry::GeometriesSeed`) reads them: null
/// children left out, the first invalid child's reason kept with its index.
fn read_geometries(
    c: &mut Cursor<'_>,
    tree: &mut CoordTree,
    nesting: usize,
) -> Direct<Result<Vec<ParsedGeom>, String>> {
    c.expect(b'[')?;
    let mut children = Vec::new();
    let mut error = None;
    c.skip_ws();
    if c.peek() == Some(b']') {
        c.pos += 1;
    } else {
        for i in 0_usize.. {
            match read_geometry_at(c, tree, nesting)? {
                Ok(Some(child)) => children.push(child),
                Ok(None) => {}
                Err(e) => {
                    error.get_or_insert_with(|| format!("geometries[{i}]: {e}"));
                }
            }
            c.skip_ws();
            match c.next() {
                Some(b',') => {}
                Some(b']') => break,
                _ => return Err(Bail),
            }
        }
    }
    Ok(match error {
        Some(e) => Err(e),
        None => Ok(children),
    })
}

/// The geometry types read here (unknown names are left to serde).
fn geometry_kind(name: &str) -> Direct<GeomKind> {
    Ok(match name {
        "Point" => GeomKind::Point,
        "MultiPoint" => GeomKind::MultiPoint,
        "LineString" => GeomKind::LineString,
        "MultiLineString" => GeomKind::MultiLineString,
        "Polygon" => GeomKind::Polygon,
        "MultiPolygon" => GeomKind::MultiPolygon,
        "GeometryCollection" => GeomKind::GeometryCollection,
        _ => return Err(Bail),
    })
}

/// The array at `depth` of a `coordinates` value (its `[` already read), into `tree` as the serde visitor
/// (`coords::read_array`) puts it: a position when it holds numbers, the count of its arrays otherwise.
fn coords_array(c: &mut Cursor<'_>, tree: &mut CoordTree, depth: usize) -> Direct<()> {
    let mut numbers = [0.0_f64; 3];
    let mut n_numbers = 0_usize;
    let mut n_arrays = 0_u32;
    c.skip_ws();
    if c.peek() == Some(b']') {
        c.pos += 1;
    } else if let Some(count) = parallel_positions(c, tree, depth) {
        n_arrays = count;
    } else {
        loop {
            match c.peek() {
                Some(b'[') if depth < MAX_COORD_DEPTH => {
                    c.pos += 1;
                    coords_array(c, tree, depth + 1)?;
                    n_arrays = n_arrays.saturating_add(1);
                }
                Some(b'-' | b'0'..=b'9') => {
                    let value = c.number()?;
                    if let Some(slot) = numbers.get_mut(n_numbers) {
                        *slot = value;
                    }
                    n_numbers += 1;
                }
                _ => return Err(Bail),
            }
            c.skip_ws();
            match c.next() {
                Some(b',') => c.skip_ws(),
                Some(b']') => break,
                _ => return Err(Bail),
            }
        }
    }
    if n_numbers > 0 && n_arrays > 0 {
        // Mixed arrays are refused by the serde visitor with its own words.
        return Err(Bail);
    }
    if n_numbers > 0 {
        tree.push_position(depth, numbers, n_numbers);
    } else {
        tree.push_count(depth, n_arrays);
    }
    Ok(())
}

/// serde_json's table of powers of ten (`1e0` to `1e308`, each the nearest `f64`).
static POW10: LazyLock<Vec<f64>> =
    LazyLock::new(|| (0..=308).map(|e| format!("1e{e}").parse::<f64>().unwrap_or(f64::INFINITY)).collect());

/// serde_json's `overflow!`: whether `a * 10 + digit` exceeds `max`.
fn overflows_u64(a: u64, digit: u64) -> bool {
    a >= u64::MAX / 10 && (a > u64::MAX / 10 || digit > u64::MAX % 10)
}

fn overflows_i32(a: i32, digit: i32) -> bool {
    a >= i32::MAX / 10 && (a > i32::MAX / 10 || digit > i32::MAX % 10)
}

/// serde_json's `f64_from_parts` (without `float_roundtrip`); `Bail` where it says "number out of range".
fn f64_from_parts(positive: bool, significand: u64, mut exponent: i32) -> Direct<f64> {
    #[allow(clippy::cast_precision_loss)]
    let mut f = significand as f64;
    loop {
        match POW10.get(exponent.unsigned_abs() as usize) {
            Some(&pow) => {
                if exponent >= 0 {
                    f *= pow;
                    if f.is_infinite() {
                        return Err(Bail);
                    }
                } else {
                    f /= pow;
                }
                break;
            }
            None => {
                if f == 0.0 {
                    break;
                }
                if exponent >= 0 {
                    return Err(Bail);
                }
                f /= 1e308;
                exponent += 308;
            }
        }
    }
    Ok(if positive { f } else { -f })
}

/// A position in the text of one block.
struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Direct<()> {
        self.skip_ws();
        if self.next() == Some(byte) { Ok(()) } else { Err(Bail) }
    }

    /// Consumes `word` when the text continues with it.
    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.bytes.get(self.pos..self.pos + word.len()) == Some(word);
        if found {
            self.pos += word.len();
        }
        found
    }

    /// After an object's `{`: whether a member follows (`false`: the object was empty and is closed).
    fn members_start(&mut self) -> Direct<bool> {
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// After a member's value: whether another member follows (`false`: the object is closed).
    fn members_next(&mut self) -> Direct<bool> {
        self.skip_ws();
        match self.next() {
            Some(b',') => Ok(true),
            Some(b'}') => Ok(false),
            _ => Err(Bail),
        }
    }

    /// An object key without escapes, and the `:` after it.
    fn key(&mut self) -> Direct<&'t str> {
        self.skip_ws();
        let key = self.string()?;
        self.expect(b':')?;
        Ok(key)
    }

    /// Consumes the object key `"name"` and the `:` after it when the text continues with them (`name` has no
    /// character that needs escaping): what [`Cursor::key`] does when it returns `name`, without searching for
    /// the closing quote.
    #[inline]
    fn key_is(&mut self, name: &[u8]) -> bool {
        let mark = self.pos;
        if self.string_is(name) {
            self.skip_ws();
            if self.peek() == Some(b':') {
                self.pos += 1;
                return true;
            }
        }
        self.pos = mark;
        false
    }

    /// The next object key, and the `:` after it: its place in `names` (tried first, in order, as the files
    /// usually give them), or `None` for another key.
    #[inline]
    fn member_of(&mut self, names: &[&[u8]]) -> Direct<Option<usize>> {
        if let Some(i) = names.iter().position(|name| self.key_is(name)) {
            return Ok(Some(i));
        }
        let key = self.key()?;
        Ok(names.iter().position(|name| key.as_bytes() == *name))
    }

    /// Consumes the string `"value"` when the text continues with it (`value` has no character that needs
    /// escaping).
    #[inline]
    fn string_is(&mut self, value: &[u8]) -> bool {
        self.skip_ws();
        let p = self.pos;
        let n = value.len();
        let found = self.bytes.get(p) == Some(&b'"')
            && self.bytes.get(p + 1..p + 1 + n).is_some_and(|text| same_bytes(text, value))
            && self.bytes.get(p + 1 + n) == Some(&b'"');
        if found {
            self.pos = p + n + 2;
        }
        found
    }

    /// A geometry's `type` value: the usual names first without searching for the closing quote.
    fn geometry_kind(&mut self) -> Direct<GeomKind> {
        for (name, kind) in [
            (b"Point".as_slice(), GeomKind::Point),
            (b"LineString", GeomKind::LineString),
            (b"Polygon", GeomKind::Polygon),
            (b"MultiPolygon", GeomKind::MultiPolygon),
        ] {
            if self.string_is(name) {
                return Ok(kind);
            }
        }
        geometry_kind(self.string()?)
    }

    /// A string without escapes: its contents.
    fn string(&mut self) -> Direct<&'t str> {
        self.skip_ws();
        if self.next() != Some(b'"') {
            return Err(Bail);
        }
        let start = self.pos;
        let rest = self.bytes.get(start..).ok_or(Bail)?;
        let len = memchr::memchr(b'"', rest).ok_or(Bail)?;
        let contents = rest.get(..len).ok_or(Bail)?;
        if contents.iter().any(|&b| b < 0x20 || b == b'\\') {
            return Err(Bail);
        }
        self.pos = start + len + 1;
        self.text.get(start..start + len).ok_or(Bail)
    }

    /// A string, number, `true`, `false` or `null`, checked as serde_json checks it: its JSON text.
    fn scalar(&mut self) -> Direct<&'t str> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.string_with_escapes()?,
            Some(b'-' | b'0'..=b'9') => self.number_text()?,
            Some(b't') if self.literal(b"true") => {}
            Some(b'f') if self.literal(b"false") => {}
            Some(b'n') if self.literal(b"null") => {}
            _ => return Err(Bail),
        }
        self.text.get(start..self.pos).ok_or(Bail)
    }

    /// A string value that may hold the escapes `\" \\ \/ \b \f \n \r \t` (a `\u` escape is left to serde).
    fn string_with_escapes(&mut self) -> Direct<()> {
        self.pos += 1;
        loop {
            let rest = self.bytes.get(self.pos..).ok_or(Bail)?;
            let at = memchr::memchr2(b'"', b'\\', rest).ok_or(Bail)?;
            if rest.get(..at).ok_or(Bail)?.iter().any(|&b| b < 0x20) {
                return Err(Bail);
            }
            self.pos += at + 1;
            if rest.get(at) == Some(&b'"') {
                return Ok(());
            }
            match self.next() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                _ => return Err(Bail),
            }
        }
    }

    fn digit(&self) -> Option<u8> {
        self.peek().filter(u8::is_ascii_digit).map(|b| b - b'0')
    }

    /// Skips a number, checking its grammar as serde_json does when it skips one.
    fn number_text(&mut self) -> Direct<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.digit() {
            Some(0) => {
                self.pos += 1;
                if self.digit().is_some() {
                    return Err(Bail);
                }
            }
            Some(_) => {
                while self.digit().is_some() {
                    self.pos += 1;
                }
            }
            None => return Err(Bail),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digit().is_none() {
                return Err(Bail);
            }
            while self.digit().is_some() {
                self.pos += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digit().is_none() {
                return Err(Bail);
            }
            while self.digit().is_some() {
                self.pos += 1;
            }
        }
        Ok(())
    }

    /// A number as serde_json converts it (`u64`/`i64` then `as f64`, or its decimal algorithm); `Bail` where
    /// serde_json would switch to its long-number paths or refuse the number.
    fn number(&mut self) -> Direct<f64> {
        let positive = if self.peek() == Some(b'-') {
            self.pos += 1;
            false
        } else {
            true
        };
        let mut significand = match self.digit() {
            Some(0) => {
                self.pos += 1;
                if self.digit().is_some() {
                    return Err(Bail);
                }
                0_u64
            }
            Some(first) => {
                self.pos += 1;
                let mut significand = u64::from(first);
                while let Some(d) = self.digit() {
                    if overflows_u64(significand, u64::from(d)) {
                        return Err(Bail);
                    }
                    significand = significand * 10 + u64::from(d);
                    self.pos += 1;
                }
                significand
            }
            None => return Err(Bail),
        };
        let mut exponent = 0_i32;
        match self.peek() {
            Some(b'.') => {
                self.pos += 1;
                while let Some(d) = self.digit() {
                    if overflows_u64(significand, u64::from(d)) {
                        return Err(Bail);
                    }
                    significand = significand * 10 + u64::from(d);
                    exponent -= 1;
                    self.pos += 1;
                }
                if exponent == 0 {
                    return Err(Bail);
                }
                if let Some(b'e' | b'E') = self.peek() {
                    return self.exponent(positive, significand, exponent);
                }
                f64_from_parts(positive, significand, exponent)
            }
            Some(b'e' | b'E') => self.exponent(positive, significand, 0),
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_wrap)]
            _ => Ok(if positive {
                significand as f64
            } else {
                let negated = (significand as i64).wrapping_neg();
                // serde_json: a float on `-0` and below `i64::MIN`.
                if negated >= 0 { -(significand as f64) } else { negated as f64 }
            }),
        }
    }

    /// serde_json's `parse_exponent`, at the `e`.
    fn exponent(&mut self, positive: bool, significand: u64, starting: i32) -> Direct<f64> {
        self.pos += 1;
        let positive_exp = match self.peek() {
            Some(b'+') => {
                self.pos += 1;
                true
            }
            Some(b'-') => {
                self.pos += 1;
                false
            }
            _ => true,
        };
        let mut exp = i32::from(self.digit().ok_or(Bail)?);
        self.pos += 1;
        while let Some(d) = self.digit() {
            self.pos += 1;
            if overflows_i32(exp, i32::from(d)) {
                return Err(Bail);
            }
            exp = exp * 10 + i32::from(d);
        }
        let exponent = if positive_exp { starting.saturating_add(exp) } else { starting.saturating_sub(exp) };
        f64_from_parts(positive, significand, exponent)
    }
}

mod lists;

pub use lists::list_splits_started;
use lists::parallel_positions;

#[cfg(test)]
mod tests;
