//! GeoJSON in a projected CRS named by the legacy `crs` member (GeoJSON 2008; GDAL still writes it for projected
//! data): the fast readers read coordinates as longitude/latitude and record the member; when borderplan knows
//! the CRS ([`Crs::from_epsg`]: UTM, Pulkovo 1942 Gauss–Krüger, Web Mercator), the document is read again here
//! and every geometry is reprojected to WGS84. Such files are small legacy exports, so this reader parses the
//! whole document with `geojson` rather than streaming it.

use geo::Geometry;
use serde_json::{Map, Value};

use super::error::ImportError;
use crate::io::formats::builder::LayerBuilder;
use crate::io::layer::Layer;
use crate::io::reproject::Crs;

/// The CRS a `declared_crs` such as `EPSG:32642` names, when borderplan can reproject from it; `None` for
/// WGS84 and for names it does not know (those keep the importer's warning).
#[must_use]
pub fn known_crs(declared: &str) -> Option<Crs> {
    let code = declared.strip_prefix("EPSG:")?.trim().parse::<i64>().ok()?;
    Crs::from_epsg(code).ok().flatten()
}

/// Reads `bytes` (GeoJSON whose coordinates are in `crs`) into a layer called `name`, every geometry reprojected
/// to WGS84. A geometry that does not convert (too few positions, outside the grid) is skipped with a reason.
///
/// # Errors
/// [`ImportError::NotGeoJson`] when the document is not a FeatureCollection, Feature or geometry (the fast
/// readers read it already, so this is rare).
pub fn read(name: &str, bytes: &[u8], crs: &Crs) -> Result<Layer, ImportError> {
    let document: geojson::GeoJson = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::NotGeoJson { reason: format!("the document cannot be read again: {e}") })?;
    let mut builder = LayerBuilder::new();
    builder.note(format!("reprojected from {} (the file's crs member) to WGS84", crs.name()));
    match document {
        geojson::GeoJson::FeatureCollection(collection) => {
            for feature in collection.features {
                push(&mut builder, crs, feature.geometry.as_ref(), feature.properties.unwrap_or_default());
            }
        }
        geojson::GeoJson::Feature(feature) => {
            push(&mut builder, crs, feature.geometry.as_ref(), feature.properties.unwrap_or_default());
        }
        geojson::GeoJson::Geometry(geometry) => push(&mut builder, crs, Some(&geometry), Map::new()),
    }
    Ok(builder.finish(name, None, bytes.len() as u64))
}

fn push(builder: &mut LayerBuilder, crs: &Crs, geometry: Option<&geojson::Geometry>, properties: Map<String, Value>) {
    let Some(geometry) = geometry else {
        builder.push(None, None, properties);
        return;
    };
    let projected = match Geometry::<f64>::try_from(&geometry.value) {
        Ok(g) => g,
        Err(e) => {
            builder.skip(e.to_string());
            return;
        }
    };
    match crs.to_wgs84_geometry(&projected) {
        Ok(g) => builder.push(Some(g), None, properties),
        Err(reason) => builder.skip(reason),
    }
}
