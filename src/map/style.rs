//! Map colours for the light and dark themes. Overlays keep the colour-blind-safe stage palette in both.

use crate::model::Stage;
use crate::model::palette::{self, Rgb};
use egui::Color32;

pub fn rgb(c: Rgb) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

pub fn stage_color(stage: Option<Stage>) -> Color32 {
    rgb(palette::stage_rgb(stage))
}

#[derive(Debug, Clone, Copy)]
pub struct MapStyle {
    pub dark: bool,
}

impl MapStyle {
    pub fn background(self) -> Color32 {
        if self.dark { Color32::from_rgb(0x1d, 0x23, 0x2a) } else { Color32::from_rgb(0xf4, 0xf1, 0xea) }
    }
    pub fn tajik_fill(self) -> Color32 {
        if self.dark { Color32::from_rgb(0x2b, 0x34, 0x30) } else { Color32::from_rgb(0xea, 0xef, 0xe2) }
    }
    pub fn afghan_fill(self) -> Color32 {
        if self.dark { Color32::from_rgb(0x33, 0x2f, 0x2a) } else { Color32::from_rgb(0xf3, 0xea, 0xdc) }
    }
    pub fn province_outline(self) -> Color32 {
        if self.dark { Color32::from_rgb(0x55, 0x5d, 0x66) } else { Color32::from_rgb(0xb9, 0xb2, 0xa6) }
    }
    pub fn river(self) -> Color32 {
        if self.dark { Color32::from_rgb(0x4f, 0x8f, 0xc9) } else { Color32::from_rgb(0x5b, 0x9b, 0xd5) }
    }
    pub fn graticule(self) -> Color32 {
        if self.dark { Color32::from_white_alpha(22) } else { Color32::from_black_alpha(22) }
    }
    pub fn text(self) -> Color32 {
        if self.dark { Color32::from_rgb(0xe8, 0xe8, 0xe8) } else { Color32::from_rgb(0x20, 0x20, 0x20) }
    }
    pub fn faint_text(self) -> Color32 {
        if self.dark { Color32::from_rgb(0xa8, 0xa8, 0xa8) } else { Color32::from_rgb(0x6a, 0x64, 0x5a) }
    }
    pub fn label_bg(self) -> Color32 {
        if self.dark { Color32::from_black_alpha(150) } else { Color32::from_white_alpha(190) }
    }
    pub fn border_casing(self) -> Color32 {
        if self.dark { Color32::from_rgb(0xf0, 0xf0, 0xf0) } else { rgb(palette::BORDER) }
    }
    pub fn halo(self) -> Color32 {
        rgb(palette::SELECTION)
    }
    /// The hatch over targets with a rule error: the text colour (black on the light map, white on the dark),
    /// which is none of the stage colours.
    pub fn violation(self) -> Color32 {
        self.text()
    }
    pub fn hover(self) -> Color32 {
        if self.dark { Color32::from_white_alpha(120) } else { Color32::from_black_alpha(90) }
    }
}
