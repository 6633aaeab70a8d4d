//! Display preferences: which basemap and which map layers are shown. Plain data with no UI or map
//! dependency, persisted in the settings (`app::settings`) and read by the map's plugins (`map`), so neither
//! the settings file format nor the map depends on the other.

use std::path::{Path, PathBuf};

/// Whether online tile basemaps may be used. A tile server learns which area is viewed (and from where), so the
/// planner is told once, before the first tile is fetched, and can turn online tiles off for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum OnlineTiles {
    /// Not asked yet: choosing OpenStreetMap shows the notice first.
    #[default]
    NotAsked,
    Allowed,
    /// Turned off: the OpenStreetMap basemap cannot be chosen until allowed again (View menu).
    Disabled,
}

/// Which basemap is shown under the overlays.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub enum BasemapChoice {
    /// The built-in vector basemap only (no network).
    #[default]
    Vector,
    OpenStreetMap,
    MbTiles(PathBuf),
    PmTiles(PathBuf),
    Folder(PathBuf),
}

impl BasemapChoice {
    pub fn label(&self) -> String {
        let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match self {
            BasemapChoice::Vector => "Built-in vector (offline)".into(),
            BasemapChoice::OpenStreetMap => "OpenStreetMap (online)".into(),
            BasemapChoice::MbTiles(p) => format!("MBTiles: {}", name(p)),
            BasemapChoice::PmTiles(p) => format!("PMTiles: {}", name(p)),
            BasemapChoice::Folder(p) => format!("Tile folder: {}", name(p)),
        }
    }
}

/// Which basemap layers are drawn. Fields missing from saved settings take their default (on).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct BasemapLayers {
    pub provinces: bool,
    pub province_names: bool,
    pub rivers: bool,
    pub lakes: bool,
    pub towns: bool,
    pub crossings: bool,
    pub country_names: bool,
    pub graticule: bool,
}

impl Default for BasemapLayers {
    fn default() -> Self {
        Self {
            provinces: true,
            province_names: true,
            rivers: true,
            lakes: true,
            towns: true,
            crossings: true,
            country_names: true,
            graticule: true,
        }
    }
}

/// Which plan overlays are drawn.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OverlayLayers {
    pub border: bool,
    pub km_posts: bool,
    pub segments: bool,
    pub outposts: bool,
    pub outpost_labels: bool,
    pub gaps: bool,
    pub range_rings: bool,
    /// Hillshade from the elevation data, when some is loaded.
    #[serde(default = "yes")]
    pub hillshade: bool,
    #[serde(default = "hillshade_opacity")]
    pub hillshade_opacity: f32,
}

fn yes() -> bool {
    true
}

fn hillshade_opacity() -> f32 {
    0.6
}

impl Default for OverlayLayers {
    fn default() -> Self {
        Self {
            border: true,
            km_posts: true,
            segments: true,
            outposts: true,
            outpost_labels: true,
            gaps: true,
            range_rings: false,
            hillshade: true,
            hillshade_opacity: hillshade_opacity(),
        }
    }
}
