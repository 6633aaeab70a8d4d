//! The map: walkers plugins that only read state and draw; clicks and hovers are reported back to the app.

pub mod basemap;
pub mod fill;
pub mod fit;
pub mod hillshade;
pub mod labels;
pub mod layer_style;
pub mod layers;
pub mod overlays;
pub mod picking;
pub mod raster_layer;
pub mod style;
pub mod tiles;

use egui::{Pos2, Vec2};
use walkers::{Projector, lon_lat};

/// Adapts a walkers projector to the picking index.
pub struct ProjectorMap<'a>(pub &'a Projector<'a>);

impl picking::ScreenMap for ProjectorMap<'_> {
    fn to_screen(&self, lon: f64, lat: f64) -> [f32; 2] {
        let v = self.0.project(lon_lat(lon, lat));
        [v.x, v.y]
    }
    fn to_lon_lat(&self, x: f32, y: f32) -> [f64; 2] {
        let p = self.0.unproject(Vec2::new(x, y));
        [p.x(), p.y()]
    }
}

pub fn screen(projector: &Projector, lon: f64, lat: f64) -> Pos2 {
    projector.project(lon_lat(lon, lat)).to_pos2()
}

#[cfg(test)]
mod tests {
    /// The map draws what it is given: no file under src/map names the app or the UI modules.
    #[test]
    fn the_map_modules_do_not_use_the_app_or_the_ui() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("map");
        let needles: Vec<String> =
            ["app", "ui"].iter().flat_map(|m| [format!("crate::{m}"), format!("super::super::{m}")]).collect();
        let mut files = 0;
        let mut bad = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("src/map is listed") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("a source file is read");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if needles.iter().any(|p| code.contains(p.as_str())) {
                    bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(files >= 10, "{files} files under {}", dir.display());
        assert!(bad.is_empty(), "src/map must take plain data:\n{}", bad.join("\n"));
    }
}
