//! Plan overlays: the border with km posts, segments and outposts coloured by stage, coverage gaps, range
//! rings, selection halos and hover emphasis.

use super::labels::{LabelClass, LabelCollector, LabelSpec};
use super::screen;
use super::style::{MapStyle, rgb, stage_color};
use crate::model::{Border, Plan, Quarter, Target, palette};
use crate::prefs::OverlayLayers;
use egui::epaint::{PathShape, PathStroke};
use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, Ui, Vec2};
use geo::LineString;
use std::cell::RefCell;
use std::collections::BTreeSet;
use walkers::{MapMemory, Plugin, Projector, lon_lat};

pub struct PlanOverlay<'a> {
    pub plan: &'a Plan,
    /// Segment id and its part of the border line, in plan order.
    pub segment_lines: &'a [(String, LineString<f64>)],
    pub selected: &'a BTreeSet<Target>,
    /// Targets with a rule error: hatched (segments) or ringed (outposts) in [`MapStyle::violation`].
    pub violations: &'a BTreeSet<Target>,
    /// A border km the planner searched for: a pin with its number.
    pub km_marker: Option<f64>,
    /// A place or position the planner searched for: a pin with its name.
    pub place_marker: Option<&'a (geo::Point<f64>, String)>,
    pub hover: Option<&'a Target>,
    /// Timeline: only what is delivered by this quarter counts.
    pub until: Option<Quarter>,
    /// Coverage gaps as (from km, to km).
    pub gaps: &'a [(f64, f64)],
    pub layers: OverlayLayers,
    pub style: MapStyle,
    /// Where the outpost names and km-post numbers go (placed with all other map labels).
    pub labels: &'a RefCell<LabelCollector>,
}

/// Spacing (px) of the diagonal strokes that hatch a segment with a rule error, and their half length.
const HATCH_STEP_PX: f32 = 9.0;
const HATCH_HALF_PX: f32 = 9.0;

/// Diagonal strokes across a screen polyline, every [`HATCH_STEP_PX`] along it: the mark of a rule error (the
/// km-post ticks are perpendicular, one-sided and far apart, so the two do not look alike).
pub fn hatch_shapes(pts: &[Pos2], color: Color32) -> Vec<Shape> {
    let mut out = Vec::new();
    let mut carry = 0.0_f32;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = a.distance(b);
        if len < 1e-3 {
            continue;
        }
        let dir = (b - a) / len;
        // 45° to the line: the line's direction turned by 45°.
        let slant = Vec2::new(dir.x - dir.y, dir.x + dir.y) * std::f32::consts::FRAC_1_SQRT_2;
        let mut t = HATCH_STEP_PX - carry;
        while t <= len {
            let c = a + dir * t;
            out.push(Shape::line_segment(
                [c - slant * HATCH_HALF_PX, c + slant * HATCH_HALF_PX],
                Stroke::new(2.0, color),
            ));
            t += HATCH_STEP_PX;
        }
        carry = (carry + len) % HATCH_STEP_PX;
    }
    out
}

/// The ring around an outpost with a rule error (a diamond, unlike the square marker and the round halo).
pub fn violation_ring(p: Pos2, color: Color32) -> Shape {
    let r = 12.5;
    let pts = vec![p + Vec2::new(0.0, -r), p + Vec2::new(r, 0.0), p + Vec2::new(0.0, r), p + Vec2::new(-r, 0.0)];
    Shape::Path(PathShape::closed_line(pts, PathStroke::new(2.0, color)))
}

fn project_line(projector: &Projector, line: &LineString<f64>) -> Vec<Pos2> {
    line.0.iter().map(|c| screen(projector, c.x, c.y)).collect()
}

/// km-post spacings; each divides the next, so labelled posts are also ticks.
const KM_STEPS: [f64; 6] = [1.0, 5.0, 10.0, 50.0, 100.0, 200.0];

/// The smallest spacing at least `min_px` pixels long.
fn km_step(px_per_km: f32, min_px: f32) -> f64 {
    KM_STEPS.into_iter().find(|s| *s as f32 * px_per_km >= min_px).unwrap_or(200.0)
}

/// Tick spacing (ticks ≥ ~25 px apart) and label spacing (labels ≥ ~70 px apart), in km: zoomed in, a tick
/// every 1 km and a number every 5 km.
pub fn km_post_steps(px_per_km: f32) -> (f64, f64) {
    let label = km_step(px_per_km, 70.0);
    (km_step(px_per_km, 25.0).min(label), label)
}

/// The chainage ranges (km, merged) of the border edges whose bounding box meets `view` [west, south, east,
/// north].
fn km_ranges_in(border: &Border, view: [f64; 4]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let chainage = border.vertex_chainage_m();
    for (i, w) in border.line().0.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let meets =
            a.x.min(b.x) <= view[2] && a.x.max(b.x) >= view[0] && a.y.min(b.y) <= view[3] && a.y.max(b.y) >= view[1];
        if !meets {
            continue;
        }
        let (Some(&from), Some(&to)) = (chainage.get(i), chainage.get(i + 1)) else { continue };
        let (from, to) = (from / 1000.0, to / 1000.0);
        match out.last_mut() {
            Some(last) if last.1 >= from => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

impl Plugin for PlanOverlay<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &egui::Response, projector: &Projector, _memory: &MapMemory) {
        let painter = ui.painter().clone();
        let style = self.style;
        let plan = self.plan;
        let mut labels = self.labels.borrow_mut();

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
            for (id, line) in self.segment_lines {
                let t = Target::Segment(id.clone());
                let pts = project_line(projector, line);
                if self.selected.contains(&t) {
                    painter.add(Shape::Path(PathShape::line(pts.clone(), PathStroke::new(14.0, style.halo()))));
                }
                if self.hover == Some(&t) {
                    painter.add(Shape::Path(PathShape::line(pts.clone(), PathStroke::new(11.0, style.hover()))));
                }
                if self.violations.contains(&t) {
                    painter.extend(hatch_shapes(&pts, style.violation()));
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
            let (tick_step, label_step) = km_post_steps(px_per_km);
            let clip = projector.clip_rect();
            let (a, b) =
                (projector.unproject(clip.left_bottom().to_vec2()), projector.unproject(clip.right_top().to_vec2()));
            // A little beyond the view, so that ticks at its edge are drawn.
            let margin = (b.x() - a.x()).abs() * 0.05;
            let view = [a.x() - margin, a.y() - margin, b.x() + margin, b.y() + margin];
            let length_km = plan.border.length_km();
            let mut last_km = f64::NEG_INFINITY;
            for (from, to) in km_ranges_in(&plan.border, view) {
                // Ranges may touch: a post on their common end is drawn once.
                let mut n = (from / tick_step).ceil();
                if n * tick_step <= last_km {
                    n = (last_km / tick_step).round() + 1.0;
                }
                while n * tick_step <= to.min(length_km) + 1e-9 {
                    let post = n * tick_step;
                    n += 1.0;
                    last_km = post;
                    let p = plan.border.point_at_km(post);
                    let p2 = plan.border.point_at_km((post + 0.5).min(length_km));
                    let a = screen(projector, p.x(), p.y());
                    let b = screen(projector, p2.x(), p2.y());
                    if !clip.expand(12.0).contains(a) {
                        continue;
                    }
                    let dir = (b - a).normalized();
                    let normal = if dir.is_finite() { Vec2::new(dir.y, -dir.x) } else { Vec2::new(0.0, -1.0) };
                    // Ticks point to the Afghan (south) side so that labels do not hide the Tajik outposts.
                    let normal = if normal.y < 0.0 { -normal } else { normal };
                    let labelled = (post / label_step - (post / label_step).round()).abs() < 1e-6;
                    let len = if labelled { 12.0 } else { 8.0 };
                    painter.line_segment([a, a + normal * len], Stroke::new(1.5, style.border_casing()));
                    if labelled {
                        labels.add(
                            &painter,
                            LabelSpec {
                                class: LabelClass::KmPost,
                                order: post.round() as i64,
                                text: format!("{post:.0}"),
                                font: FontId::monospace(10.5),
                                color: style.text(),
                                bg: style.label_bg(),
                                positions: vec![
                                    (a + normal * (len + 2.0), Align2::CENTER_TOP),
                                    (a - normal * 4.0, Align2::CENTER_BOTTOM),
                                ],
                                marker: None,
                            },
                        );
                    }
                }
            }
        }
        if self.layers.outposts {
            for o in &plan.outposts {
                let t = Target::Outpost(o.id.clone());
                let p = screen(projector, o.position.x(), o.position.y());
                if !painter.clip_rect().expand(20.0).contains(p) {
                    continue;
                }
                let selected = self.selected.contains(&t);
                if selected {
                    painter.circle_filled(p, 11.0, style.halo());
                }
                if self.hover == Some(&t) {
                    painter.circle_filled(p, 10.0, style.hover());
                }
                if self.violations.contains(&t) {
                    painter.add(violation_ring(p, style.violation()));
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
                for (i, o) in plan.outposts.iter().enumerate() {
                    let p = screen(projector, o.position.x(), o.position.y());
                    if !painter.clip_rect().expand(100.0).contains(p) {
                        continue;
                    }
                    let t = Target::Outpost(o.id.clone());
                    let emphasis = self.selected.contains(&t) || self.hover == Some(&t);
                    labels.add(
                        &painter,
                        LabelSpec {
                            class: if emphasis { LabelClass::Emphasis } else { LabelClass::Outpost },
                            order: i as i64,
                            text: o.name.clone(),
                            font: FontId::proportional(11.0),
                            color: style.text(),
                            bg: style.label_bg(),
                            // Upper right of the square first, then its other corners.
                            positions: vec![
                                (p + Vec2::new(11.0, -6.0), Align2::LEFT_BOTTOM),
                                (p + Vec2::new(11.0, 6.0), Align2::LEFT_TOP),
                                (p + Vec2::new(-11.0, -6.0), Align2::RIGHT_BOTTOM),
                                (p + Vec2::new(-11.0, 6.0), Align2::RIGHT_TOP),
                            ],
                            marker: None,
                        },
                    );
                }
            }
        }
        if let Some(km) = self.km_marker {
            let at = plan.border.point_at_km(km);
            pin(&painter, &mut labels, screen(projector, at.x(), at.y()), format!("km {km:.1}"), style);
        }
        if let Some((at, label)) = self.place_marker {
            pin(&painter, &mut labels, screen(projector, at.x(), at.y()), label.clone(), style);
        }
    }
}

/// A pin standing on a point, above the lines, with its text beside the head (kept clear of the other labels,
/// which are placed later).
fn pin(painter: &egui::Painter, labels: &mut LabelCollector, p: Pos2, text: String, style: MapStyle) {
    let head = p + Vec2::new(0.0, -22.0);
    painter.line_segment([p, head], Stroke::new(2.5, style.border_casing()));
    painter.circle(head, 7.0, rgb(palette::SELECTION), Stroke::new(2.0, style.border_casing()));
    painter.circle_filled(p, 3.0, style.border_casing());
    let galley = painter.layout_no_wrap(text, FontId::proportional(12.5), style.text());
    let r = Align2::LEFT_CENTER.anchor_size(head + Vec2::new(11.0, 0.0), galley.size()).expand2(Vec2::new(4.0, 2.0));
    painter.rect_filled(r, 3.0, style.label_bg());
    painter.galley(r.min + Vec2::new(4.0, 2.0), galley, style.text());
    labels.reserve(r.union(egui::Rect::from_center_size(head, Vec2::splat(16.0))));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoomed_in_km_posts_tick_every_km_and_number_every_five() {
        // About zoom 12 at 37.5° N: 33 px per km.
        assert_eq!(km_post_steps(33.0), (1.0, 5.0));
        // Whole-border zoom (about 0.9 px per km): ticks and numbers every 100 km.
        assert_eq!(km_post_steps(0.9), (50.0, 100.0));
        for px_per_km in [0.2_f32, 0.9, 3.0, 8.0, 16.5, 33.0, 120.0] {
            let (tick, label) = km_post_steps(px_per_km);
            assert!((label / tick).fract() == 0.0, "{tick} does not divide {label}");
            assert!(label as f32 * px_per_km >= 70.0 || label == 200.0);
        }
    }

    #[test]
    fn only_the_border_edges_in_view_give_km_ranges() {
        let line: LineString<f64> = vec![(70.0, 37.0), (71.0, 37.0), (72.0, 37.0), (73.0, 37.0)].into();
        let border = Border::new(line).expect("a valid border");
        let ranges = km_ranges_in(&border, [71.2, 36.9, 71.8, 37.1]);
        assert_eq!(ranges.len(), 1, "{ranges:?}");
        let edge_km = border.length_km() / 3.0;
        assert!((ranges[0].0 - edge_km).abs() < 1e-6 && (ranges[0].1 - 2.0 * edge_km).abs() < 1e-6, "{ranges:?}");
        assert!(km_ranges_in(&border, [60.0, 30.0, 61.0, 31.0]).is_empty());
        assert_eq!(km_ranges_in(&border, [69.0, 36.0, 74.0, 38.0]), vec![(0.0, border.length_km())]);
    }
}
