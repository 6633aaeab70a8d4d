//! KML 2.2 (Google Earth) and KMZ: every Placemark with its Point, LineString, Polygon (with holes) or
//! MultiGeometry; `name` and `description` as properties, the folder path as `folder` ("Sites / North"),
//! ExtendedData (`Data`/`value` and `SchemaData`/`SimpleData`) as properties, and the Placemark's style (inline
//! or by `styleUrl`, through a StyleMap's normal style) mapped to simplestyle (`stroke`, `stroke-width`,
//! `stroke-opacity`, `fill`, `fill-opacity`, `marker-color`). KML colours are `aabbggrr`.

use std::collections::HashMap;
use std::path::Path;

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};

use super::FormatError;
use super::builder::LayerBuilder;
use super::xml::Element;
use crate::io::layer::Layer;

const FORMAT: &str = "KML";

/// Reads KML text at `path` (or a KMZ's main document, named by `path`).
///
/// # Errors
/// [`FormatError::Invalid`] when it is not XML or its root is not `kml`.
pub fn import(path: &Path, bytes: &[u8]) -> Result<Layer, FormatError> {
    let invalid = |reason: String| FormatError::Invalid { path: path.to_path_buf(), format: FORMAT, reason };
    let text = String::from_utf8_lossy(bytes);
    let root = super::xml::parse(text.trim_start_matches('\u{feff}')).map_err(invalid)?;
    if root.name != "kml" {
        return Err(invalid(format!("the root element is <{}>, not <kml>", root.name)));
    }
    let mut styles = HashMap::new();
    let mut maps = HashMap::new();
    collect_styles(&root, &mut styles, &mut maps);
    let mut b = LayerBuilder::new();
    let ctx = Ctx { styles, maps };
    walk(&root, &mut Vec::new(), &ctx, &mut b);
    Ok(b.finish(&super::layer_name(path), Some(path), bytes.len() as u64))
}

/// A KMZ: the zip's `doc.kml`, or else its first `.kml`.
///
/// # Errors
/// As [`import`]; [`FormatError::Invalid`] when the zip holds no KML.
pub fn import_kmz(path: &Path) -> Result<Layer, FormatError> {
    let mut kmls = super::zipped::entries(path, "KMZ", |n| n.to_ascii_lowercase().ends_with(".kml"))?;
    let main = kmls.iter().position(|(n, _)| n.eq_ignore_ascii_case("doc.kml")).unwrap_or(0);
    if kmls.is_empty() {
        return Err(FormatError::Invalid {
            path: path.to_path_buf(),
            format: "KMZ",
            reason: "the archive holds no .kml".to_owned(),
        });
    }
    let (_, bytes) = kmls.swap_remove(main);
    import(path, &bytes)
}

/// simplestyle values by style id.
type Style = Map<String, Value>;

struct Ctx {
    styles: HashMap<String, Style>,
    /// StyleMap id → the style URL of its "normal" pair.
    maps: HashMap<String, String>,
}

impl Ctx {
    fn resolve(&self, url: &str) -> Option<&Style> {
        let id = url.rsplit('#').next().unwrap_or(url);
        match self.maps.get(id) {
            Some(normal) => self.styles.get(normal.rsplit('#').next().unwrap_or(normal)),
            None => self.styles.get(id),
        }
    }
}

fn collect_styles(e: &Element, styles: &mut HashMap<String, Style>, maps: &mut HashMap<String, String>) {
    for c in &e.children {
        match c.name.as_str() {
            "Style" => {
                if let Some(id) = c.attribute("id") {
                    styles.insert(id.to_owned(), style(c));
                }
            }
            "StyleMap" => {
                if let Some(id) = c.attribute("id") {
                    let normal = c
                        .children
                        .iter()
                        .filter(|p| p.name == "Pair")
                        .find(|p| p.child_text("key") == Some("normal"))
                        .and_then(|p| p.child_text("styleUrl"));
                    if let Some(url) = normal {
                        maps.insert(id.to_owned(), url.to_owned());
                    }
                }
            }
            _ => collect_styles(c, styles, maps),
        }
    }
}

/// `aabbggrr` to (`#rrggbb`, opacity).
fn color(text: &str) -> Option<(String, f64)> {
    let t = text.trim().trim_start_matches('#');
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(t.get(i..i + 2)?, 16).ok();
    let (a, b, g, r) = (byte(0)?, byte(2)?, byte(4)?, byte(6)?);
    Some((format!("#{r:02x}{g:02x}{b:02x}"), (f64::from(a) / 255.0 * 1000.0).round() / 1000.0))
}

fn style(s: &Element) -> Style {
    let mut out = Map::new();
    let number = |v: f64| serde_json::Number::from_f64(v).map(Value::Number);
    if let Some(line) = s.child("LineStyle") {
        if let Some((hex, opacity)) = line.child_text("color").and_then(color) {
            out.insert("stroke".into(), hex.into());
            out.extend(number(opacity).map(|v| ("stroke-opacity".to_owned(), v)));
        }
        if let Some(w) = line.child_text("width").and_then(|w| w.parse::<f64>().ok()) {
            out.extend(number(w).map(|v| ("stroke-width".to_owned(), v)));
        }
    }
    if let Some(poly) = s.child("PolyStyle")
        && let Some((hex, opacity)) = poly.child_text("color").and_then(color)
    {
        out.insert("fill".into(), hex.into());
        out.extend(number(opacity).map(|v| ("fill-opacity".to_owned(), v)));
    }
    if let Some(icon) = s.child("IconStyle")
        && let Some((hex, _)) = icon.child_text("color").and_then(color)
    {
        out.insert("marker-color".into(), hex.into());
    }
    out
}

fn walk(e: &Element, folders: &mut Vec<String>, ctx: &Ctx, b: &mut LayerBuilder) {
    for c in &e.children {
        match c.name.as_str() {
            "Folder" | "Document" => {
                let named = c.name == "Folder";
                if named {
                    folders.push(c.child_text("name").unwrap_or("").to_owned());
                }
                walk(c, folders, ctx, b);
                if named {
                    folders.pop();
                }
            }
            "Placemark" => placemark(c, folders, ctx, b),
            _ => {}
        }
    }
}

fn placemark(p: &Element, folders: &[String], ctx: &Ctx, b: &mut LayerBuilder) {
    let mut properties = Map::new();
    let name = p.child_text("name");
    if let Some(n) = name {
        properties.insert("name".into(), n.into());
    }
    if let Some(d) = p.child_text("description") {
        properties.insert("description".into(), d.into());
    }
    if !folders.is_empty() {
        properties.insert("folder".into(), folders.join(" / ").into());
    }
    if let Some(data) = p.child("ExtendedData") {
        for d in &data.children {
            match d.name.as_str() {
                "Data" => {
                    if let Some(key) = d.attribute("name") {
                        properties.insert(key.to_owned(), d.child_text("value").unwrap_or("").into());
                    }
                }
                "SchemaData" => {
                    for s in d.children.iter().filter(|s| s.name == "SimpleData") {
                        if let Some(key) = s.attribute("name") {
                            properties.insert(key.to_owned(), s.text.trim().into());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut style = p.child_text("styleUrl").and_then(|u| ctx.resolve(u)).cloned().unwrap_or_default();
    if let Some(inline) = p.child("Style") {
        style.extend(self::style(inline));
    }
    for (k, v) in style {
        properties.entry(k).or_insert(v);
    }
    if let Some(n) = name {
        properties.entry("title").or_insert_with(|| n.into());
    }
    let label = match name {
        Some(n) => format!("placemark {} “{n}”", b.next_index() + 1),
        None => format!("placemark {}", b.next_index() + 1),
    };
    let geometry_element = p.children.iter().find(|c| is_geometry(&c.name));
    match geometry_element.map(geometry).transpose() {
        Ok(g) => {
            let (g, z) = g.flatten().unzip();
            b.push_labelled(Some(label), g, z.flatten(), properties);
        }
        Err(e) => b.skip_named(label, e),
    }
}

fn is_geometry(name: &str) -> bool {
    matches!(name, "Point" | "LineString" | "LinearRing" | "Polygon" | "MultiGeometry")
}

/// Coordinates `lon,lat[,alt]` separated by white space.
fn coordinates(e: &Element, zs: &mut Vec<f64>, any_z: &mut bool) -> Result<Vec<Coord<f64>>, String> {
    let text = e.child_text("coordinates").unwrap_or("");
    let mut out = Vec::new();
    for tuple in text.split_whitespace() {
        let mut parts = tuple.split(',').map(|v| v.trim().parse::<f64>());
        match (parts.next(), parts.next(), parts.next()) {
            (Some(Ok(x)), Some(Ok(y)), z) => {
                out.push(Coord { x, y });
                match z {
                    Some(Ok(z)) => {
                        zs.push(z);
                        *any_z = true;
                    }
                    _ => zs.push(f64::NAN),
                }
            }
            _ => return Err(format!("coordinates “{tuple}” are not lon,lat[,alt] numbers")),
        }
    }
    Ok(out)
}

type Parsed = Option<(Geometry<f64>, Option<Vec<f64>>)>;

fn geometry(e: &Element) -> Result<Parsed, String> {
    let mut zs = Vec::new();
    let mut any_z = false;
    let g = one(e, &mut zs, &mut any_z, 0)?;
    Ok(g.map(|g| (g, any_z.then_some(zs))))
}

fn one(e: &Element, zs: &mut Vec<f64>, any_z: &mut bool, depth: usize) -> Result<Option<Geometry<f64>>, String> {
    if depth > 32 {
        return Err("MultiGeometry nested more than 32 deep".to_owned());
    }
    let g = match e.name.as_str() {
        "Point" => coordinates(e, zs, any_z)?.first().map(|c| Geometry::Point(Point(*c))),
        "LineString" | "LinearRing" => {
            let c = coordinates(e, zs, any_z)?;
            (!c.is_empty()).then_some(Geometry::LineString(LineString(c)))
        }
        "Polygon" => {
            let ring = |b: &Element, zs: &mut Vec<f64>, any_z: &mut bool| -> Result<Option<LineString<f64>>, String> {
                match b.child("LinearRing") {
                    Some(r) => {
                        let c = coordinates(r, zs, any_z)?;
                        Ok((!c.is_empty()).then_some(LineString(c)))
                    }
                    None => Ok(None),
                }
            };
            let outer = match e.child("outerBoundaryIs") {
                Some(o) => ring(o, zs, any_z)?,
                None => None,
            };
            let mut holes = Vec::new();
            for inner in e.children.iter().filter(|c| c.name == "innerBoundaryIs") {
                holes.extend(ring(inner, zs, any_z)?);
            }
            outer.map(|o| Geometry::Polygon(Polygon::new(o, holes)))
        }
        "MultiGeometry" => {
            let mut parts = Vec::new();
            for c in e.children.iter().filter(|c| is_geometry(&c.name)) {
                parts.extend(one(c, zs, any_z, depth + 1)?);
            }
            let all = |f: fn(&Geometry<f64>) -> bool| parts.iter().all(f);
            if parts.is_empty() {
                None
            } else if all(|g| matches!(g, Geometry::Point(_))) {
                Some(Geometry::MultiPoint(MultiPoint(
                    parts.into_iter().filter_map(|g| if let Geometry::Point(p) = g { Some(p) } else { None }).collect(),
                )))
            } else if all(|g| matches!(g, Geometry::LineString(_))) {
                Some(Geometry::MultiLineString(MultiLineString(
                    parts
                        .into_iter()
                        .filter_map(|g| if let Geometry::LineString(l) = g { Some(l) } else { None })
                        .collect(),
                )))
            } else if all(|g| matches!(g, Geometry::Polygon(_))) {
                Some(Geometry::MultiPolygon(MultiPolygon(
                    parts
                        .into_iter()
                        .filter_map(|g| if let Geometry::Polygon(p) = g { Some(p) } else { None })
                        .collect(),
                )))
            } else {
                Some(Geometry::GeometryCollection(GeometryCollection(parts)))
            }
        }
        _ => None,
    };
    Ok(g)
}
