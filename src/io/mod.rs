//! Reading and writing files: bundled data, GeoJSON layers, plan files and exports. No UI code here.

pub mod atomic;
pub mod bundled;
pub mod coords;
pub mod db;
pub mod dem;
pub mod disk;
pub mod error;
pub mod export;
pub mod find;
pub mod format;
pub mod formats;
pub mod geojson_import;
pub mod layer;
pub mod plan_file;
pub mod plan_numbers;
mod plan_stream;
pub mod properties;
pub mod recovery;
pub mod reproject;
pub mod room;
pub mod spatial;
