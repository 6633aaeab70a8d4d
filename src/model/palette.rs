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
/// The selection halo: cyan, far from every stage colour and from the gap vermillion (the old yellow halo was
/// hard to tell from stage-2 orange).
pub const SELECTION: Rgb = [0x00, 0xE5, 0xFF];

/// The colours a map reader must tell apart from everything else drawn over them: stages, unplanned, gaps and
/// the selection halo.
pub const RESERVED: [Rgb; 6] = [STAGE1, STAGE2, STAGE3, UNPLANNED, GAP, SELECTION];

/// CIE76 colour difference (ΔE*ab, sRGB under D65): about 2.3 is just noticeable, over 30 reads as another hue.
#[must_use]
pub fn delta_e(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (lab(a), lab(b));
    ((la[0] - lb[0]).powi(2) + (la[1] - lb[1]).powi(2) + (la[2] - lb[2]).powi(2)).sqrt()
}

fn lab(c: Rgb) -> [f64; 3] {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v > 0.04045 { ((v + 0.055) / 1.055).powf(2.4) } else { v / 12.92 }
    };
    let (r, g, b) = (lin(c[0]), lin(c[1]), lin(c[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selection_halo_reads_as_another_hue_than_every_stage_and_the_gap() {
        for c in [STAGE1, STAGE2, STAGE3, UNPLANNED, GAP] {
            assert!(delta_e(SELECTION, c) > 30.0, "{} vs {}: {:.0}", hex(SELECTION), hex(c), delta_e(SELECTION, c));
        }
        // The old yellow halo was within 45 of stage-2 orange; black and white are 100 apart.
        assert!(delta_e([0xFF, 0xE0, 0x3D], STAGE2) < 45.0);
        assert!((delta_e([0, 0, 0], [255, 255, 255]) - 100.0).abs() < 0.5);
    }
}
