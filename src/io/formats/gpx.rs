//! GPX 1.0/1.1 from handheld GPS: waypoints (points, `ele` as z), routes (lines) and tracks (one line per
//! segment, a MultiLineString per track), one layer each as GDAL has them. The simple child elements (`name`,
//! `desc`, `cmt`, `sym`, `type`, `time`, …) become properties.

use std::path::Path;

use geo::{Coord, Geometry, LineString, MultiLineString, Point};
use serde_json::{Map, Value};

use super::FormatError;
use super::builder::LayerBuilder;
use super::xml::Element;
use crate::io::layer::Layer;

const FORMAT: &str = "GPX";

/// Reads the GPX file `bytes` at `path`: a layer for each of waypoints, routes and tracks that it has.
///
/// # Errors
/// [`FormatError::Invalid`] when it is not XML or its root is not `gpx`.
pub fn import(path: &Path, bytes: &[u8]) -> Result<Vec<Layer>, FormatError> {
    let invalid = |reason: String| FormatError::Invalid { path: path.to_path_buf(), format: FORMAT, reason };
    let text = String::from_utf8_lossy(bytes);
    let root = super::xml::parse(text.trim_start_matches('\u{feff}')).map_err(invalid)?;
    if root.name != "gpx" {
        return Err(invalid(format!("the root element is <{}>, not <gpx>", root.name)));
    }
    let stem = super::layer_name(path);
    let mut layers = Vec::new();
    for (kind, tag) in [("waypoints", "wpt"), ("routes", "rte"), ("tracks", "trk")] {
        let items: Vec<&Element> = root.children.iter().filter(|c| c.name == tag).collect();
        if items.is_empty() {
            continue;
        }
        let mut b = LayerBuilder::new();
        for (i, item) in items.iter().enumerate() {
            let properties = simple_children(item);
            let label = format!("{tag} {}", i + 1);
            let geometry = match tag {
                "wpt" => point(item).map(|(c, z)| (Some(Geometry::Point(Point(c))), z.map(|z| vec![z]))),
                "rte" => line(item.children.iter().filter(|c| c.name == "rtept"))
                    .map(|(l, z)| ((!l.0.is_empty()).then_some(Geometry::LineString(l)), z)),
                _ => {
                    let mut lines = Vec::new();
                    let mut zs: Vec<f64> = Vec::new();
                    let mut any_z = false;
                    let mut result = Ok(());
                    for seg in item.children.iter().filter(|c| c.name == "trkseg") {
                        match line(seg.children.iter().filter(|c| c.name == "trkpt")) {
                            Ok((l, z)) if !l.0.is_empty() => {
                                any_z |= z.is_some();
                                zs.extend(z.unwrap_or_else(|| vec![f64::NAN; l.0.len()]));
                                lines.push(l);
                            }
                            Ok(_) => {}
                            Err(e) => {
                                result = Err(e);
                                break;
                            }
                        }
                    }
                    result.map(|()| {
                        (
                            (!lines.is_empty()).then_some(Geometry::MultiLineString(MultiLineString(lines))),
                            any_z.then_some(zs),
                        )
                    })
                }
            };
            match geometry {
                Ok((g, z)) => b.push_labelled(Some(label), g, z, properties),
                Err(e) => b.skip_named(label, e),
            }
        }
        layers.push(b.finish(&format!("{stem} — {kind}"), Some(path), bytes.len() as u64));
    }
    if layers.is_empty() {
        return Err(invalid("it has no waypoints, routes or tracks".to_owned()));
    }
    Ok(layers)
}

/// The text of the element's leaf children (not points, segments or extensions) as properties; `ele` as a
/// number.
fn simple_children(e: &Element) -> Map<String, Value> {
    let mut out = Map::new();
    for c in &e.children {
        if c.children.is_empty() && !matches!(c.name.as_str(), "rtept" | "trkpt" | "trkseg" | "extensions") {
            let text = c.text.trim();
            let value = match c.name.as_str() {
                "ele" | "magvar" | "geoidheight" | "hdop" | "vdop" | "pdop" | "sat" | "number" => {
                    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
                }
                _ => Value::from(text),
            };
            out.insert(c.name.clone(), value);
        }
    }
    out
}

fn point(e: &Element) -> Result<(Coord<f64>, Option<f64>), String> {
    let number = |name: &str| -> Result<f64, String> {
        let raw = e.attribute(name).ok_or_else(|| format!("<{}> has no {name} attribute", e.name))?;
        raw.trim().parse::<f64>().map_err(|_| format!("{name} “{raw}” is not a number"))
    };
    let c = Coord { x: number("lon")?, y: number("lat")? };
    Ok((c, e.child_text("ele").and_then(|z| z.parse().ok())))
}

fn line<'a>(points: impl Iterator<Item = &'a Element>) -> Result<(LineString<f64>, Option<Vec<f64>>), String> {
    let mut coords = Vec::new();
    let mut zs = Vec::new();
    for p in points {
        let (c, z) = point(p)?;
        coords.push(c);
        zs.push(z);
    }
    let has_z = zs.iter().any(Option::is_some);
    Ok((LineString(coords), has_z.then(|| zs.into_iter().map(|z| z.unwrap_or(f64::NAN)).collect())))
}
