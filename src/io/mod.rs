//! Reading and writing files: bundled data, GeoJSON layers, plan files and exports. No UI code here.

pub mod atomic;
pub mod bundled;
pub mod error;
pub mod export;
pub mod format;
pub mod formats;
pub mod geojson_import;
pub mod layer;
pub mod plan_file;
pub mod properties;
pub mod reproject;
pub mod spatial;
