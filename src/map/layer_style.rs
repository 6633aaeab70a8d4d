//! How an imported vector layer is drawn as a whole: its colour (each new layer takes the next colour of a
//! 7-colour palette that keeps clear of the stage, gap and selection colours), line width, opacity, label property and visibility. Per-feature simplestyle values
//! ([`FeatureStyle`](crate::io::layer::FeatureStyle)) override it.
//!
//! Plain data without UI types, so that a [`Layer`](crate::io::layer::Layer) can carry its style from the
//! importer on.

use crate::model::palette::Rgb;

/// Layer colours (Paul Tol's and Okabe–Ito's greens, olive, wine, indigo and brown): each is at least 30 ΔE from
/// every stage colour, the gap vermillion, unplanned grey and the selection cyan, so an imported layer is never
/// read as a stage (the Tableau blue and orange used before were 13 and 18 from stage 3 and stage 2).
const LAYER_PALETTE: [Rgb; 7] = [
    [0x00, 0x9E, 0x73],
    [0x88, 0x22, 0x55],
    [0x11, 0x77, 0x33],
    [0x33, 0x22, 0x88],
    [0x99, 0x99, 0x33],
    [0x8C, 0x51, 0x0A],
    [0x44, 0xAA, 0x99],
];

/// Property names tried, in order, for the default label (compared case-insensitively).
const LABEL_CANDIDATES: [&str; 5] = ["name", "title", "label", "name_en", "id"];

/// Distinct colour number `index` (cycling through the layer palette), for giving each new layer its own
/// colour.
#[must_use]
pub fn layer_color(index: usize) -> Rgb {
    LAYER_PALETTE[index % LAYER_PALETTE.len()]
}

/// How the whole layer is drawn (per-feature simplestyle values override it).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStyle {
    /// Line, marker and fill colour, RGB.
    pub color: Rgb,
    /// Line width in screen pixels.
    pub width_px: f32,
    /// Opacity, 0…1.
    pub opacity: f32,
    /// Property whose value is drawn as the feature label.
    pub label_property: Option<String>,
    /// Whether the layer is drawn at all.
    pub visible: bool,
}

impl Default for LayerStyle {
    fn default() -> Self {
        Self { color: layer_color(0), width_px: 2.0, opacity: 1.0, label_property: None, visible: true }
    }
}

impl LayerStyle {
    /// The default style for a layer with these property names: labelled by the first of `name`, `title`,
    /// `label`, `name_en`, `id` it has (in any case), as spelt in the layer.
    #[must_use]
    pub fn for_properties(property_names: &[String]) -> Self {
        let label_property = LABEL_CANDIDATES
            .iter()
            .find_map(|candidate| property_names.iter().find(|p| p.eq_ignore_ascii_case(candidate)).cloned());
        Self { label_property, ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::palette::{RESERVED, delta_e, hex};

    #[test]
    fn the_label_is_the_first_candidate_the_layer_has_in_its_own_spelling() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(LayerStyle::for_properties(&names(&["ID", "Title", "x"])).label_property.as_deref(), Some("Title"));
        assert_eq!(LayerStyle::for_properties(&names(&["id", "x"])).label_property.as_deref(), Some("id"));
        assert_eq!(LayerStyle::for_properties(&names(&["x"])), LayerStyle::default());
    }

    #[test]
    fn layer_colours_cycle_through_seven_distinct_colours() {
        let first: Vec<Rgb> = (0..LAYER_PALETTE.len()).map(layer_color).collect();
        assert!(first.iter().enumerate().all(|(i, c)| first[..i].iter().all(|d| delta_e(*c, *d) > 15.0)));
        assert_eq!(layer_color(LAYER_PALETTE.len()), layer_color(0));
        assert_eq!(LayerStyle::default().color, layer_color(0));
    }

    #[test]
    fn no_layer_colour_can_be_taken_for_a_stage_a_gap_or_the_selection() {
        for c in LAYER_PALETTE {
            for r in RESERVED {
                assert!(delta_e(c, r) >= 30.0, "{} vs {}: {:.0}", hex(c), hex(r), delta_e(c, r));
            }
        }
    }
}
