//! How an imported vector layer is drawn as a whole: its colour (each new layer takes the next colour of a
//! 10-colour palette), line width, opacity, label property and visibility. Per-feature simplestyle values
//! ([`FeatureStyle`](crate::io::layer::FeatureStyle)) override it.
//!
//! Plain data without UI types, so that a [`Layer`](crate::io::layer::Layer) can carry its style from the
//! importer on.

use crate::model::palette::Rgb;

/// Tableau 10 palette: distinct, readable on light and dark base maps.
const LAYER_PALETTE: [Rgb; 10] = [
    [0x4E, 0x79, 0xA7],
    [0xF2, 0x8E, 0x2B],
    [0xE1, 0x57, 0x59],
    [0x76, 0xB7, 0xB2],
    [0x59, 0xA1, 0x4F],
    [0xED, 0xC9, 0x48],
    [0xB0, 0x7A, 0xA1],
    [0xFF, 0x9D, 0xA7],
    [0x9C, 0x75, 0x5F],
    [0xBA, 0xB0, 0xAC],
];

/// Property names tried, in order, for the default label (compared case-insensitively).
const LABEL_CANDIDATES: [&str; 5] = ["name", "title", "label", "name_en", "id"];

/// Distinct colour number `index` (cycling through a 10-colour palette), for giving each new layer its own
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

    #[test]
    fn the_label_is_the_first_candidate_the_layer_has_in_its_own_spelling() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(LayerStyle::for_properties(&names(&["ID", "Title", "x"])).label_property.as_deref(), Some("Title"));
        assert_eq!(LayerStyle::for_properties(&names(&["id", "x"])).label_property.as_deref(), Some("id"));
        assert_eq!(LayerStyle::for_properties(&names(&["x"])), LayerStyle::default());
    }

    #[test]
    fn layer_colours_cycle_through_ten_distinct_colours() {
        let first_ten: Vec<Rgb> = (0..10).map(layer_color).collect();
        assert!(first_ten.iter().enumerate().all(|(i, c)| !first_ten[..i].contains(c)));
        assert_eq!(layer_color(10), layer_color(0));
        assert_eq!(LayerStyle::default().color, layer_color(0));
    }
}
