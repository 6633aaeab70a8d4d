//! Colour-blind-safe stage colours (Okabe–Ito), shared by the map and every export.

use super::stages::Stage;

/// RGB colour.
pub type Rgb = [u8; 3];

pub const STAGE2: Rgb = [0xE6, 0x9F, 0x00]; // orange
pub const STAGE3: Rgb = [0x00, 0x72, 0xB2]; // blue
pub const STAGE1: Rgb = [0xCC, 0x79, 0xA7]; // reddish purple (assessment only; flagged by rules)
pub const UNPLANNED: Rgb = [0x8C, 0x8C, 0x8C]; // grey
pub const GAP: Rgb = [0xD5, 0x5E, 0x00]; // vermillion
pub const BORDER: Rgb = [0x22, 0x22, 0x22];

pub fn stage_rgb(stage: Option<Stage>) -> Rgb {
    match stage {
        Some(Stage::One) => STAGE1,
        Some(Stage::Two) => STAGE2,
        Some(Stage::Three) => STAGE3,
        None => UNPLANNED,
    }
}

/// "#rrggbb"
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}
