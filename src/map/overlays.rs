//! Plan overlays: the border with km posts, segments and outposts coloured by stage, coverage gaps, range
//! rings, selection halos and hover emphasis.

use super::style::{MapStyle, rgb, stage_color};
use super::{LabelPlacer, screen};
use crate::app::derived::Derived;
use crate::app::selection::Selection;
use crate::model::{Plan, Quarter, Target, palette};
use egui::epaint::{PathShape, PathStroke};
use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, Ui, Vec2};
use geo::LineString;
use walkers::{MapMemory, Plugin, Projector, lon_lat};

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OverlayLayers {
    pub border: bool,
    pub km_posts: bool,
    pub segments: bool,
    pub outposts: bool,
    pub outpost_labels: bool,
    pub gaps: bool,
    pub range_rings: bool,
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
        }
    }
}

pub struct PlanOverlay<'a> {
    pub plan: &'a Plan,
    pub derived: &'a Derived,
    pub selection: &'a Selection,
    pub hover: Option<&'a Target>,
    /// Timeline: only what is delivered by this quarter counts.
    pub until: Option<Quarter>,
    pub gaps: &'a [(f64, f64)],
    pub layers: OverlayLayers,
    pub style: MapStyle,
}

fn project_line(projector: &Projector, line: &LineString<f64>) -> Vec<Pos2> {
    line.0.iter().map(|c| screen(projector, c.x, c.y)).collect()
}

/// km-post spacing so that labels stay ≥ ~70 px apart.
fn km_post_step(px_per_km: f32) -> f64 {
    [10.0, 50.0, 100.0, 200.0].into_iter().find(|s| *s as f32 * px_per_km >= 70.0).unwrap_or(200.0)
}

impl Plugin for PlanOverlay<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &egui::Response, projector: &Projector, _memory: &MapMemory) {
        let painter = ui.painter().clone();
        let style = self.style;
        let plan = self.plan;
        let mut labels = LabelPlacer::default();

        if self.layers.range_rings {
            for o in &plan.outposts {
                let t = Target::Outpost(o.id.clone());
                let range = plan
                    .assignments_for(&t)
                    .filter(|a| self.until.is_none_or(|q| a.quarter <= q))
                    .filter_map(|a| plan.catalog.get(&a.equipment_id).and_then(|e| e.coverage_range_km()))
                    .fold(0.0_f64, f64::max);
                if range > 0.0 {
                    let p = lon_lat(o.position.x(), o.position.y());
                    let r_px = projector.scale_pixel_per_meter(p) * (range * 1000.0) as f32;
                    let c = stage_color(plan.target_stage(&t, self.until));
                    painter.circle(
                        projector.project(p).to_pos2(),
                        r_px,
                        c.gamma_multiply(0.10),
                        Stroke::new(1.2, c.gamma_multiply(0.8)),
                    );
                }
            }
        }

        if self.layers.border {
            let pts = project_line(projector, plan.border.line());
            painter.add(Shape::Path(PathShape::line(pts, PathStroke::new(8.0, style.border_casing()))));
        }
        if self.layers.segments {
            for (id, line) in &self.derived.segment_lines {
                let t = Target::Segment(id.clone());
                let pts = project_line(projector, line);
                if self.selection.contains(&t) {
                    painter.add(Shape::Path(PathShape::line(pts.clone(), PathStroke::new(14.0, style.halo()))));
                }
                if self.hover == Some(&t) {
                    painter.add(Shape::Path(PathShape::line(pts.clone(), PathStroke::new(11.0, style.hover()))));
                }
                let c = stage_color(plan.target_stage(&t, self.until));
                painter.add(Shape::Path(PathShape::line(pts, PathStroke::new(5.0, c))));
            }
            // Segment boundaries.
            for s in plan.segments.segments().iter().skip(1) {
                let p = plan.border.point_at_km(s.from_km);
                let q = screen(projector, p.x(), p.y());
                painter.circle(q, 3.5, Color32::WHITE, Stroke::new(1.5, style.border_casing()));
            }
        }
        if self.layers.gaps {
            for &(a, b) in self.gaps {
                let pts = project_line(projector, &plan.border.substring(a, b));
                painter.add(Shape::Path(PathShape::line(
                    pts.clone(),
                    PathStroke::new(15.0, rgb(palette::GAP).gamma_multiply(0.35)),
                )));
                painter.extend(Shape::dashed_line(&pts, Stroke::new(4.0, rgb(palette::GAP)), 10.0, 6.0));
            }
        }
        if self.layers.km_posts {
            let mid = plan.border.point_at_km(plan.border.length_km() / 2.0);
            let px_per_km = projector.scale_pixel_per_meter(lon_lat(mid.x(), mid.y())) * 1000.0;
            let step = km_post_step(px_per_km);
            let mut km = 0.0;
            while km <= plan.border.length_km() + 1e-9 {
                let p = plan.border.point_at_km(km);
                let p2 = plan.border.point_at_km((km + 0.5).min(plan.border.length_km()));
                let a = screen(projector, p.x(), p.y());
                let b = screen(projector, p2.x(), p2.y());
                let dir = (b - a).normalized();
                let normal = if dir.is_finite() { Vec2::new(dir.y, -dir.x) } else { Vec2::new(0.0, -1.0) };
                // Ticks point to the Afghan (south) side so that labels do not hide the Tajik outposts.
                let normal = if normal.y < 0.0 { -normal } else { normal };
                let major = (km % (step * 5.0)).abs() < 1e-6 || step >= 100.0;
                let len = if major { 10.0 } else { 6.0 };
                painter.line_segment([a, a + normal * len], Stroke::new(1.5, style.border_casing()));
                labels.label(
                    &painter,
                    a + normal * (len + 2.0),
                    Align2::CENTER_TOP,
                    &format!("{km:.0}"),
                    FontId::monospace(10.5),
                    style.text(),
                    style.label_bg(),
                );
                km += step;
            }
        }
        if self.layers.outposts {
            for o in &plan.outposts {
                let t = Target::Outpost(o.id.clone());
                let p = screen(projector, o.position.x(), o.position.y());
                if !painter.clip_rect().expand(20.0).contains(p) {
                    continue;
                }
                let selected = self.selection.contains(&t);
                if selected {
                    painter.circle_filled(p, 11.0, style.halo());
                }
                if self.hover == Some(&t) {
                    painter.circle_filled(p, 10.0, style.hover());
                }
                let c = stage_color(plan.target_stage(&t, self.until));
                let r = 6.0;
                // Outposts are squares (a "post"), segments are lines: shape tells them apart besides colour.
                let rect = egui::Rect::from_center_size(p, Vec2::splat(2.0 * r));
                painter.rect_filled(rect, 1.5, c);
                painter.rect_stroke(rect, 1.5, Stroke::new(1.5, style.border_casing()), egui::StrokeKind::Outside);
                labels.reserve(rect.expand(1.0));
            }
            if self.layers.outpost_labels {
                for o in &plan.outposts {
                    let p = screen(projector, o.position.x(), o.position.y());
                    labels.label(
                        &painter,
                        p + Vec2::new(11.0, -6.0),
                        Align2::LEFT_BOTTOM,
                        &o.name,
                        FontId::proportional(11.0),
                        style.text(),
                        style.label_bg(),
                    );
                }
            }
        }
    }
}
