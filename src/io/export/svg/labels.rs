//! Text measuring and greedy label placement for the report's SVG maps: a label takes the first candidate spot
//! whose box (grown for its halo) is inside the map and free of every label and marker placed before it.

use std::fmt::Write as _;

use super::Rect;
use crate::io::export::{escape_xml, fmt_trim};

/// Advance width of a character as a fraction of the font size, after DejaVu Sans (the widest of the usual
/// sans-serif fallbacks, rounded up): a box built from it holds the text in Helvetica, Arial or DejaVu.
fn char_em(c: char) -> f64 {
    match c {
        '0'..='9' => 0.64,
        ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.33,
        '-' | '(' | ')' | '[' | ']' | '/' => 0.40,
        'i' | 'j' | 'l' => 0.28,
        'f' | 't' | 'r' | 'I' | 'J' => 0.42,
        'm' => 0.98,
        'w' => 0.82,
        'M' => 0.87,
        'W' => 0.99,
        'a'..='z' => 0.64,
        'A'..='Z' => 0.79,
        _ => 0.66,
    }
}

/// Width of `text` at `size` px (see [`char_em`]).
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * size
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub(super) fn attr(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Middle => "middle",
            Self::End => "end",
        }
    }
}

/// The box a label with its baseline at `y` covers, grown by `pad` px for its white halo.
pub(super) fn text_box(x: f64, y: f64, width: f64, size: f64, anchor: Anchor, pad: f64) -> Rect {
    let x0 = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - width / 2.0,
        Anchor::End => x - width,
    };
    [x0 - pad, y - 0.8 * size - pad, x0 + width + pad, y + 0.25 * size + pad]
}

/// Boxes taken by labels and markers, and the area labels must stay inside.
pub(super) struct Taken {
    pub(super) boxes: Vec<Rect>,
    pub(super) inside: Rect,
}

impl Taken {
    pub(super) fn fits(&self, r: Rect) -> bool {
        let [x0, y0, x1, y1] = self.inside;
        r[0] >= x0
            && r[1] >= y0
            && r[2] <= x1
            && r[3] <= y1
            && !self.boxes.iter().any(|t| r[0] < t[2] && r[2] > t[0] && r[1] < t[3] && r[3] > t[1])
    }
    pub(super) fn take(&mut self, r: Rect) {
        self.boxes.push(r);
    }
}

/// One text element, escaped.
pub(super) fn text_el(out: &mut String, x: f64, y: f64, anchor: Anchor, extra: &str, text: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{extra}>{}</text>",
        fmt_trim(x, 1),
        fmt_trim(y, 1),
        anchor.attr(),
        escape_xml(text)
    );
}

/// A km number waiting for a place: its tick's foot, the normal the tick points along and the tick's length.
pub(super) struct KmLabel {
    pub(super) at: (f64, f64),
    pub(super) normal: (f64, f64),
    pub(super) outer: f64,
    pub(super) text: String,
    /// A window end, in bold.
    pub(super) bold: bool,
}

/// Places km numbers beyond their ticks: north side first, then further out, then south side (a tick reaches
/// `outer` px to either side at most).
pub(super) fn place_km_labels(taken: &mut Taken, labels: &[KmLabel], size: f64, out: &mut String) {
    for l in labels {
        let w = text_width(&l.text, size) * if l.bold { 1.1 } else { 1.0 };
        let ((x, y), (nx, ny)) = (l.at, l.normal);
        // Far enough along the normal that the box clears the tick whichever way the border runs.
        let reach = l.outer + 3.0 + nx.abs() * w / 2.0 + ny.abs() * 0.55 * size;
        for d in [reach, reach + 9.0, -reach, -(reach + 9.0)] {
            let (cx, cy) = (x + nx * d, y + ny * d);
            let by = cy + 0.35 * size;
            let r = text_box(cx, by, w, size, Anchor::Middle, 1.5);
            if taken.fits(r) {
                taken.take(r);
                text_el(out, cx, by, Anchor::Middle, if l.bold { " font-weight=\"bold\"" } else { "" }, &l.text);
                break;
            }
        }
    }
}

/// Places outpost names at the first free spot around their markers (right, left, above, below, then a little
/// further out); a name with no free spot is left out (the marker's tooltip still has it).
pub(super) fn place_names(taken: &mut Taken, named: &[(&str, f64, f64)], size: f64, marker_r: f64, out: &mut String) {
    for &(name, x, y) in named {
        let w = text_width(name, size);
        let g = marker_r + 2.5;
        let half = 0.3 * size;
        let far = g + 0.6 * size;
        let spots = [
            (x + g - 1.0, y - g + 2.0, Anchor::Start),
            (x + g, y + half, Anchor::Start),
            (x - g, y + half, Anchor::End),
            (x - g + 1.0, y - g + 2.0, Anchor::End),
            (x, y - g - 1.0, Anchor::Middle),
            (x, y + g + 0.8 * size, Anchor::Middle),
            (x + g - 1.0, y + g + 0.6 * size, Anchor::Start),
            (x - g + 1.0, y + g + 0.6 * size, Anchor::End),
            (x + far, y - far + 2.0, Anchor::Start),
            (x - far, y - far + 2.0, Anchor::End),
            (x + far, y + far + 0.6 * size, Anchor::Start),
            (x - far, y + far + 0.6 * size, Anchor::End),
            (x, y - far - 0.9 * size, Anchor::Middle),
            (x, y + far + 1.6 * size, Anchor::Middle),
        ];
        for (lx, ly, anchor) in spots {
            let r = text_box(lx, ly, w, size, anchor, 1.5);
            if taken.fits(r) {
                taken.take(r);
                text_el(out, lx, ly, anchor, "", name);
                break;
            }
        }
    }
}
