//! Well-known text (OGC simple features) to `geo` geometries: POINT, LINESTRING, POLYGON, their MULTI forms and
//! GEOMETRYCOLLECTION, with optional Z / M / ZM (z is kept, m is dropped) and EMPTY. `MULTIPOINT (1 2, 3 4)`
//! without the inner parentheses is accepted too.

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};

/// Deepest GEOMETRYCOLLECTION nesting read.
const MAX_DEPTH: usize = 32;

/// A geometry read from WKT with its z values (in coordinate order) when it had them. `Ok(None)` for EMPTY.
pub type Parsed = Option<(Geometry<f64>, Option<Vec<f64>>)>;

/// Parses one WKT geometry. An `SRID=…;` prefix (EWKT) is ignored.
///
/// # Errors
/// A plain-words reason naming what was expected and where (character offset).
pub fn parse(text: &str) -> Result<Parsed, String> {
    let text = text.trim();
    let text = match text.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("srid=") => text.split_once(';').map_or(text, |(_, rest)| rest),
        _ => text,
    };
    let mut p = Parser { s: text.as_bytes(), at: 0, z: Vec::new(), has_z: false };
    let g = p.geometry(0)?;
    p.ws();
    if p.at < p.s.len() {
        return Err(format!("unexpected text after the geometry at character {}", p.at + 1));
    }
    let has_z = p.has_z;
    Ok(g.map(|g| (g, has_z.then_some(p.z))))
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    z: Vec<f64>,
    has_z: bool,
}

#[derive(Clone, Copy)]
struct Dims {
    z: bool,
    m: bool,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn word(&mut self) -> String {
        self.ws();
        let start = self.at;
        while self.s.get(self.at).is_some_and(u8::is_ascii_alphabetic) {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.at]).to_ascii_uppercase()
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.at).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected “{}” at character {}", c as char, self.at + 1))
        }
    }

    /// `(` … `)` or EMPTY: true when there is a body.
    fn open_or_empty(&mut self) -> Result<bool, String> {
        if self.peek() == Some(b'(') {
            self.at += 1;
            return Ok(true);
        }
        let save = self.at;
        if self.word() == "EMPTY" {
            return Ok(false);
        }
        self.at = save;
        Err(format!("expected “(” or EMPTY at character {}", self.at + 1))
    }

    fn number(&mut self) -> Result<f64, String> {
        self.ws();
        let start = self.at;
        while self.s.get(self.at).is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b)) {
            self.at += 1;
        }
        std::str::from_utf8(&self.s[start..self.at])
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .ok_or_else(|| format!("expected a number at character {}", start + 1))
    }

    fn coord(&mut self, dims: Dims) -> Result<Coord<f64>, String> {
        let x = self.number()?;
        let y = self.number()?;
        let mut extra = Vec::new();
        while self.peek().is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b'.') {
            extra.push(self.number()?);
        }
        // Unlabelled third number: z. "M" alone: the third is m.
        let z = if dims.m && !dims.z { None } else { extra.first().copied() };
        if z.is_some() {
            self.has_z = true;
        }
        self.z.push(z.unwrap_or(f64::NAN));
        Ok(Coord { x, y })
    }

    fn coords(&mut self, dims: Dims) -> Result<Vec<Coord<f64>>, String> {
        if !self.open_or_empty()? {
            return Ok(Vec::new());
        }
        let mut out = vec![self.coord(dims)?];
        while self.peek() == Some(b',') {
            self.at += 1;
            out.push(self.coord(dims)?);
        }
        self.expect(b')')?;
        Ok(out)
    }

    fn rings(&mut self, dims: Dims) -> Result<Vec<Vec<Coord<f64>>>, String> {
        if !self.open_or_empty()? {
            return Ok(Vec::new());
        }
        let mut out = vec![self.coords(dims)?];
        while self.peek() == Some(b',') {
            self.at += 1;
            out.push(self.coords(dims)?);
        }
        self.expect(b')')?;
        Ok(out)
    }

    fn polygon(rings: Vec<Vec<Coord<f64>>>) -> Option<Polygon<f64>> {
        let mut rings = rings.into_iter().filter(|r| !r.is_empty());
        let outer = rings.next()?;
        Some(Polygon::new(LineString(outer), rings.map(LineString).collect()))
    }

    fn geometry(&mut self, depth: usize) -> Result<Option<Geometry<f64>>, String> {
        if depth > MAX_DEPTH {
            return Err(format!("geometry collections nested more than {MAX_DEPTH} deep"));
        }
        let start = self.at;
        let kind = self.word();
        let mut dims = Dims { z: false, m: false };
        let save = self.at;
        match self.word().as_str() {
            "Z" => dims.z = true,
            "M" => dims.m = true,
            "ZM" => (dims.z, dims.m) = (true, true),
            _ => self.at = save,
        }
        // POINTZ, LINESTRINGZM … written as one word.
        let kind = ["ZM", "Z", "M"]
            .iter()
            .find_map(|suffix| {
                let base = kind.strip_suffix(suffix)?;
                matches!(base, "POINT" | "LINESTRING" | "POLYGON" | "MULTIPOINT" | "MULTILINESTRING" | "MULTIPOLYGON")
                    .then(|| {
                        dims.z |= suffix.contains('Z');
                        dims.m |= suffix.contains('M');
                        base.to_owned()
                    })
            })
            .unwrap_or(kind);
        let g = match kind.as_str() {
            "POINT" => {
                let c = self.coords(dims)?;
                match c.as_slice() {
                    [] => None,
                    [c] => Some(Geometry::Point(Point(*c))),
                    _ => return Err("a POINT has more than one position".to_owned()),
                }
            }
            "LINESTRING" => {
                let c = self.coords(dims)?;
                (!c.is_empty()).then_some(Geometry::LineString(LineString(c)))
            }
            "POLYGON" => Self::polygon(self.rings(dims)?).map(Geometry::Polygon),
            "MULTIPOINT" => {
                let points = if self.peek() == Some(b'(') {
                    let save = self.at;
                    self.at += 1;
                    if self.peek() == Some(b'(') {
                        self.at = save;
                        self.rings(dims)?.into_iter().flatten().map(Point).collect()
                    } else {
                        self.at = save;
                        self.coords(dims)?.into_iter().map(Point).collect()
                    }
                } else {
                    self.coords(dims)?.into_iter().map(Point).collect::<Vec<_>>()
                };
                (!points.is_empty()).then_some(Geometry::MultiPoint(MultiPoint(points)))
            }
            "MULTILINESTRING" => {
                let lines: Vec<_> = self.rings(dims)?.into_iter().filter(|l| !l.is_empty()).map(LineString).collect();
                (!lines.is_empty()).then_some(Geometry::MultiLineString(MultiLineString(lines)))
            }
            "MULTIPOLYGON" => {
                let mut polygons = Vec::new();
                if self.open_or_empty()? {
                    loop {
                        let rings = self.rings(dims)?;
                        polygons.extend(Self::polygon(rings));
                        if self.peek() == Some(b',') {
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                    self.expect(b')')?;
                }
                (!polygons.is_empty()).then_some(Geometry::MultiPolygon(MultiPolygon(polygons)))
            }
            "GEOMETRYCOLLECTION" => {
                let mut parts = Vec::new();
                if self.open_or_empty()? {
                    loop {
                        parts.extend(self.geometry(depth + 1)?);
                        if self.peek() == Some(b',') {
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                    self.expect(b')')?;
                }
                (!parts.is_empty()).then_some(Geometry::GeometryCollection(GeometryCollection(parts)))
            }
            "" => return Err(format!("expected a geometry type (POINT, LINESTRING, …) at character {}", start + 1)),
            other => return Err(format!("unknown geometry type “{other}”")),
        };
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn points_lines_and_polygons_are_read_with_their_z() {
        let (g, z) = parse("POINT Z (69.5 37.25 812)").unwrap().unwrap();
        assert_eq!(g, Geometry::Point(Point::new(69.5, 37.25)));
        assert_eq!(z, Some(vec![812.0]));
        let (g, z) = parse("linestring(1 2, 3 4)").unwrap().unwrap();
        assert_eq!(g, Geometry::LineString(LineString::from(vec![(1.0, 2.0), (3.0, 4.0)])));
        assert_eq!(z, None);
        let (g, _) = parse(
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.1 5.1, 5.2 5.1, 5.2 5.2, 5.1 5.1)))",
        )
        .unwrap()
        .unwrap();
        let Geometry::MultiPolygon(m) = g else { panic!() };
        assert_eq!((m.0.len(), m.0[1].interiors().len()), (2, 1));
        let (g, _) = parse("MULTIPOINT (1 2, 3 4)").unwrap().unwrap();
        assert_eq!(g, parse("MULTIPOINT ((1 2), (3 4))").unwrap().unwrap().0);
        assert!(parse("POINT EMPTY").unwrap().is_none());
        assert!(parse("GEOMETRYCOLLECTION (POINT (1 2), LINESTRING EMPTY)").unwrap().is_some());
    }

    #[test]
    fn broken_wkt_is_an_error_naming_the_place() {
        assert!(parse("POINT (1)").unwrap_err().contains("expected a number"));
        assert!(parse("CIRCLE (1 2)").unwrap_err().contains("unknown geometry type “CIRCLE”"));
        assert!(parse("POINT (1 2) x").unwrap_err().contains("after the geometry"));
        assert!(parse(&"GEOMETRYCOLLECTION (".repeat(100)).unwrap_err().contains("nested"));
    }
}
