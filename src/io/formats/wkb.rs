//! Well-known binary to `geo` geometries: ISO WKB (types 1–7, +1000 Z, +2000 M, +3000 ZM) and the EWKB flags,
//! either byte order. z is kept, m dropped. Every count is checked against the bytes left, so a broken blob is an
//! error, never a huge allocation.

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};

const MAX_DEPTH: usize = 32;

/// A geometry with its z values when it had them; `None` for an empty geometry (a point of NaNs included).
pub type Parsed = Option<(Geometry<f64>, Option<Vec<f64>>)>;

/// Parses one WKB geometry from the start of `bytes`.
///
/// # Errors
/// A plain-words reason (truncated blob, unknown type, counts larger than the blob).
pub fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let mut r = Reader { b: bytes, at: 0, z: Vec::new(), has_z: false };
    let g = r.geometry(0)?;
    let has_z = r.has_z;
    Ok(g.map(|g| (g, has_z.then_some(r.z))))
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    z: Vec<f64>,
    has_z: bool,
}

#[derive(Clone, Copy)]
struct Head {
    little: bool,
    z: bool,
    m: bool,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let out = self
            .b
            .get(self.at..self.at + N)
            .and_then(|s| <[u8; N]>::try_from(s).ok())
            .ok_or_else(|| format!("the geometry blob ends early (at byte {} of {})", self.at, self.b.len()))?;
        self.at += N;
        Ok(out)
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        let b = self.take::<4>()?;
        Ok(if little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        let b = self.take::<8>()?;
        Ok(if little { f64::from_le_bytes(b) } else { f64::from_be_bytes(b) })
    }

    /// A count whose items need at least `item_bytes` each in what is left.
    fn count(&mut self, h: Head, item_bytes: usize) -> Result<usize, String> {
        let n = self.u32(h.little)? as usize;
        let left = self.b.len().saturating_sub(self.at);
        if n.saturating_mul(item_bytes) > left {
            return Err(format!("the geometry blob says {n} items but has room for {}", left / item_bytes.max(1)));
        }
        Ok(n)
    }

    fn coord(&mut self, h: Head) -> Result<Coord<f64>, String> {
        let x = self.f64(h.little)?;
        let y = self.f64(h.little)?;
        let z = if h.z { Some(self.f64(h.little)?) } else { None };
        if h.m {
            self.f64(h.little)?;
        }
        if z.is_some() {
            self.has_z = true;
        }
        self.z.push(z.unwrap_or(f64::NAN));
        Ok(Coord { x, y })
    }

    fn coord_bytes(h: Head) -> usize {
        8 * (2 + usize::from(h.z) + usize::from(h.m))
    }

    fn line(&mut self, h: Head) -> Result<Vec<Coord<f64>>, String> {
        let n = self.count(h, Self::coord_bytes(h))?;
        (0..n).map(|_| self.coord(h)).collect()
    }

    fn polygon(&mut self, h: Head) -> Result<Option<Polygon<f64>>, String> {
        let n = self.count(h, 4)?;
        let mut rings = Vec::with_capacity(n);
        for _ in 0..n {
            let ring = LineString(self.line(h)?);
            if !ring.0.is_empty() {
                if !ring.is_closed() {
                    // `Polygon::new` closes the ring with a copy of its first coordinate; that z goes with it.
                    let first = self.z.len().checked_sub(ring.0.len()).and_then(|i| self.z.get(i).copied());
                    self.z.push(first.unwrap_or(f64::NAN));
                }
                rings.push(ring);
            }
        }
        let mut rings = rings.into_iter();
        Ok(rings.next().map(|outer| Polygon::new(outer, rings.collect())))
    }

    fn head(&mut self) -> Result<(Head, u32), String> {
        let [order] = self.take::<1>()?;
        let little = match order {
            0 => false,
            1 => true,
            other => return Err(format!("byte order {other} is neither 0 nor 1: not WKB")),
        };
        let raw = self.u32(little)?;
        let mut z = raw & 0x8000_0000 != 0;
        let mut m = raw & 0x4000_0000 != 0;
        if raw & 0x2000_0000 != 0 {
            self.u32(little)?; // EWKB SRID
        }
        let iso = raw & 0x0FFF_FFFF;
        let (kind, dims) = (iso % 1000, iso / 1000);
        match dims {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return Err(format!("geometry type code {raw} is not a WKB type")),
        }
        Ok((Head { little, z, m }, kind))
    }

    fn geometry(&mut self, depth: usize) -> Result<Option<Geometry<f64>>, String> {
        if depth > MAX_DEPTH {
            return Err(format!("geometry collections nested more than {MAX_DEPTH} deep"));
        }
        let (h, kind) = self.head()?;
        let g = match kind {
            1 => {
                let has_z = self.has_z;
                let c = self.coord(h)?;
                if c.x.is_nan() && c.y.is_nan() {
                    // An empty point has no coordinate, so no z either: the z values must match the coordinates.
                    self.z.pop();
                    self.has_z = has_z;
                    None
                } else {
                    Some(Geometry::Point(Point(c)))
                }
            }
            2 => {
                let c = self.line(h)?;
                (!c.is_empty()).then_some(Geometry::LineString(LineString(c)))
            }
            3 => self.polygon(h)?.map(Geometry::Polygon),
            4..=7 => {
                let n = self.count(h, 5)?;
                let mut parts = Vec::with_capacity(n);
                for _ in 0..n {
                    parts.extend(self.geometry(depth + 1)?);
                }
                let all = |f: fn(&Geometry<f64>) -> bool| parts.iter().all(f);
                match kind {
                    _ if parts.is_empty() => None,
                    4 if all(|g| matches!(g, Geometry::Point(_))) => Some(Geometry::MultiPoint(MultiPoint(
                        parts
                            .into_iter()
                            .filter_map(|g| if let Geometry::Point(p) = g { Some(p) } else { None })
                            .collect(),
                    ))),
                    5 if all(|g| matches!(g, Geometry::LineString(_))) => {
                        Some(Geometry::MultiLineString(MultiLineString(
                            parts
                                .into_iter()
                                .filter_map(|g| if let Geometry::LineString(l) = g { Some(l) } else { None })
                                .collect(),
                        )))
                    }
                    6 if all(|g| matches!(g, Geometry::Polygon(_))) => Some(Geometry::MultiPolygon(MultiPolygon(
                        parts
                            .into_iter()
                            .filter_map(|g| if let Geometry::Polygon(p) = g { Some(p) } else { None })
                            .collect(),
                    ))),
                    7 => Some(Geometry::GeometryCollection(GeometryCollection(parts))),
                    _ => return Err(format!("a multi-geometry (type {kind}) holds parts of another type")),
                }
            }
            other => return Err(format!("WKB geometry type {other} is not supported (curves, TIN?)")),
        };
        Ok(g)
    }
}

/// WKB of a geometry (little-endian, 2-D ISO), for the GeoPackage export.
#[must_use]
pub fn write(geometry: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, geometry);
    out
}

fn put(out: &mut Vec<u8>, g: &Geometry<f64>) {
    let head = |out: &mut Vec<u8>, kind: u32| {
        out.push(1);
        out.extend_from_slice(&kind.to_le_bytes());
    };
    let coords = |out: &mut Vec<u8>, cs: &[Coord<f64>]| {
        out.extend_from_slice(&(cs.len() as u32).to_le_bytes());
        for c in cs {
            out.extend_from_slice(&c.x.to_le_bytes());
            out.extend_from_slice(&c.y.to_le_bytes());
        }
    };
    let polygon = |out: &mut Vec<u8>, p: &Polygon<f64>| {
        head(out, 3);
        out.extend_from_slice(&((1 + p.interiors().len()) as u32).to_le_bytes());
        coords(out, &p.exterior().0);
        for r in p.interiors() {
            coords(out, &r.0);
        }
    };
    match g {
        Geometry::Point(p) => {
            head(out, 1);
            out.extend_from_slice(&p.x().to_le_bytes());
            out.extend_from_slice(&p.y().to_le_bytes());
        }
        Geometry::LineString(l) => {
            head(out, 2);
            coords(out, &l.0);
        }
        Geometry::Polygon(p) => polygon(out, p),
        Geometry::MultiPoint(m) => {
            head(out, 4);
            out.extend_from_slice(&(m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                put(out, &Geometry::Point(*p));
            }
        }
        Geometry::MultiLineString(m) => {
            head(out, 5);
            out.extend_from_slice(&(m.0.len() as u32).to_le_bytes());
            for l in &m.0 {
                head(out, 2);
                coords(out, &l.0);
            }
        }
        Geometry::MultiPolygon(m) => {
            head(out, 6);
            out.extend_from_slice(&(m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                polygon(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            head(out, 7);
            out.extend_from_slice(&(c.0.len() as u32).to_le_bytes());
            for g in &c.0 {
                put(out, g);
            }
        }
        Geometry::Line(l) => put(out, &Geometry::LineString(LineString(vec![l.start, l.end]))),
        Geometry::Rect(r) => polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn written_wkb_reads_back_the_same_geometry() {
        let g = Geometry::MultiPolygon(MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
            vec![],
        )]));
        assert_eq!(parse(&write(&g)).unwrap().unwrap().0, g);
    }

    #[test]
    fn a_count_larger_than_the_blob_is_an_error_not_an_allocation() {
        let mut b = vec![1, 2, 0, 0, 0];
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse(&b).unwrap_err().contains("items"));
        assert!(parse(&[7]).unwrap_err().contains("not WKB"));
    }
}
