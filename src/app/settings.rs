//! Settings persisted between runs through eframe's storage: view, layers, basemap, theme, recent files.

use crate::prefs::BasemapLayers;
use crate::prefs::OverlayLayers;
use crate::prefs::{BasemapChoice, OnlineTiles};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const STORAGE_KEY: &str = "borderplan.settings";

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BottomTab {
    #[default]
    Table,
    MarchChart,
    /// Elevation along the border with the seen and unseen stretches (with elevation data loaded).
    Profile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RightTab {
    #[default]
    Selection,
    Rules,
    Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub view: Option<View>,
    pub basemap_layers: BasemapLayers,
    pub overlays: OverlayLayers,
    pub basemap: BasemapChoice,
    pub online_tiles: OnlineTiles,
    pub tile_opacity: f32,
    pub dark: bool,
    pub show_left: bool,
    pub show_right: bool,
    pub show_bottom: bool,
    pub bottom_tab: BottomTab,
    pub right_tab: RightTab,
    pub recent: Vec<PathBuf>,
    pub last_plan: Option<PathBuf>,
    /// How positions are written in the status bar and the map's menu.
    pub coord_format: crate::io::coords::CoordFormat,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            view: None,
            basemap_layers: BasemapLayers::default(),
            overlays: OverlayLayers::default(),
            basemap: BasemapChoice::Vector,
            online_tiles: OnlineTiles::NotAsked,
            tile_opacity: 1.0,
            dark: false,
            show_left: true,
            show_right: true,
            show_bottom: true,
            bottom_tab: BottomTab::Table,
            right_tab: RightTab::Selection,
            recent: Vec::new(),
            last_plan: None,
            coord_format: crate::io::coords::CoordFormat::Decimal,
        }
    }
}

impl Settings {
    pub fn add_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_owned());
        self.recent.truncate(8);
        self.last_plan = Some(path.to_owned());
    }

    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }
}
