//! Where the parts of the sheet go, the map's projection and the scale bar's length.

use super::SheetOptions;
use crate::model::Plan;
use geo::{Distance, Geodesic, Point};

/// Metres per point (1/72 in) on paper.
const M_PER_PT: f64 = 0.0254 / 72.0;

/// Equirectangular, longitudes scaled by cos(centre latitude), into the map frame (pt, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub west: f64,
    pub north: f64,
    /// cos(centre latitude).
    pub k: f64,
    /// Points per degree of latitude.
    pub pt_per_deg: f64,
    /// The frame's top-left corner, pt.
    pub x0: f64,
    pub y0: f64,
}

impl Projection {
    pub fn xy(&self, lon: f64, lat: f64) -> (f32, f32) {
        (
            (self.x0 + (lon - self.west) * self.k * self.pt_per_deg) as f32,
            (self.y0 + (self.north - lat) * self.pt_per_deg) as f32,
        )
    }
    /// The longitude and latitude drawn at (x, y) pt.
    pub fn lon_lat(&self, x: f64, y: f64) -> (f64, f64) {
        (self.west + (x - self.x0) / (self.k * self.pt_per_deg), self.north - (y - self.y0) / self.pt_per_deg)
    }
    /// Points per km of latitude (for km-post spacing and label distances).
    pub fn pt_per_km(&self) -> f64 {
        self.pt_per_deg / 111.32
    }
}

/// The scale bar: `length_m` drawn from `x_pt` to `x_pt + width_pt`, true at latitude `lat`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBar {
    pub length_m: f64,
    pub x_pt: f32,
    pub y_pt: f32,
    pub width_pt: f32,
    pub lat: f64,
    /// The printed scale 1 : n at `lat` (the sheet at its size in points).
    pub scale_denominator: f64,
}

/// Where everything goes, pt from the top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width_pt: f32,
    pub height_pt: f32,
    /// Size unit: 1 on A4, larger on bigger sheets (text and line widths scale with it).
    pub u: f32,
    pub margin: f32,
    /// The map frame and the side panel, [x, y, w, h].
    pub frame: [f32; 4],
    pub panel: [f32; 4],
    pub proj: Projection,
    /// The box shown [west, south, east, north].
    pub view: [f64; 4],
    pub scale_bar: ScaleBar,
    /// Where the scale bar's block starts in the panel (the legend ends above it).
    pub scale_block_y: f32,
}

/// The round lengths a scale bar may have: 1, 2 and 5 × 10ⁿ m.
pub fn nice_length_m(max_m: f64) -> f64 {
    let mut best = 100.0;
    for exp in 2..8 {
        for n in [1.0, 2.0, 5.0] {
            let l = n * 10f64.powi(exp);
            if l <= max_m {
                best = l;
            }
        }
    }
    best
}

impl Layout {
    pub fn new(plan: &Plan, options: &SheetOptions) -> Self {
        let (w, h) = options.size_pt();
        let u = (w / 842.0).min(h / 595.0).clamp(0.45, 1.6);
        let margin = 20.0 * u;
        let panel_w = 158.0 * u;
        let x = margin + 34.0 * u;
        let y = margin + 44.0 * u;
        let fw = (w - margin - panel_w - 12.0 * u - x).max(40.0);
        let fh = (h - margin - 26.0 * u - y).max(40.0);
        let frame = [x, y, fw, fh];
        let panel = [x + fw + 12.0 * u, y, panel_w, fh];

        let [bw, bs, be, bn] = options.bbox.unwrap_or_else(|| {
            let b = plan.border.bounds();
            let (dx, dy) = ((b.max().x - b.min().x) * 0.03, (b.max().y - b.min().y) * 0.06);
            [b.min().x - dx, b.min().y - dy, b.max().x + dx, b.max().y + dy]
        });
        let (clon, clat) = ((bw + be) / 2.0, (bs + bn) / 2.0);
        let k = clat.to_radians().cos().max(0.05);
        let (fw64, fh64) = (f64::from(fw), f64::from(fh));
        let pt_per_deg = (fw64 / ((be - bw) * k).max(1e-9)).min(fh64 / (bn - bs).max(1e-9));
        let west = clon - fw64 / 2.0 / (k * pt_per_deg);
        let north = clat + fh64 / 2.0 / pt_per_deg;
        let proj = Projection { west, north, k, pt_per_deg, x0: f64::from(x), y0: f64::from(y) };
        let (ve, vs) = proj.lon_lat(f64::from(x) + fw64, f64::from(y) + fh64);
        let view = [west, vs, ve, north];

        // Geodesic metres per point along the parallel through the sheet's centre.
        let half_deg = 0.05;
        let d_m = Geodesic.distance(Point::new(clon - half_deg, clat), Point::new(clon + half_deg, clat));
        let m_per_pt = d_m / (2.0 * half_deg * k * pt_per_deg);
        let max_pt = f64::from(panel_w - 24.0 * u);
        let length_m = nice_length_m(max_pt * m_per_pt);
        let scale_block_y = y + fh - 62.0 * u;
        let scale_bar = ScaleBar {
            length_m,
            x_pt: panel[0] + 6.0 * u,
            y_pt: scale_block_y + 16.0 * u,
            width_pt: (length_m / m_per_pt) as f32,
            lat: clat,
            scale_denominator: m_per_pt / M_PER_PT,
        };
        Self { width_pt: w, height_pt: h, u, margin, frame, panel, proj, view, scale_bar, scale_block_y }
    }

    /// Whether (x, y) pt is inside the map frame, `pad` pt in from its edges.
    pub fn in_frame(&self, x: f32, y: f32, pad: f32) -> bool {
        let [fx, fy, fw, fh] = self.frame;
        x >= fx + pad && x <= fx + fw - pad && y >= fy + pad && y <= fy + fh - pad
    }
}
