//! One label placement pass per frame for the whole map. The plugins hand their label candidates (and the marker
//! areas labels must keep clear of) to a shared [`LabelCollector`]; [`LabelsPlugin`], added after all of them,
//! places the candidates by priority, tries a label's alternative positions when its first one is taken, drops
//! it when none is free, and draws what was placed on top of the map.

use egui::text::Galley;
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Stroke, Ui, Vec2};
use std::cell::RefCell;
use std::sync::Arc;
use walkers::{MapMemory, Plugin, Projector};

/// Padding kept free around every label, in pixels.
const PAD_PX: f32 = 2.0;

/// What a label names, in priority order: an earlier class is placed first and wins a contested spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelClass {
    /// Selected or hovered targets and the picked layer feature.
    Emphasis,
    Outpost,
    KmPost,
    /// Towns, bigger ones first (see [`LabelSpec::order`]).
    Town,
    River,
    Country,
    Province,
    /// Labels of imported layers.
    Layer,
    Graticule,
}

/// A dot drawn with its label, only when the label is placed (small towns at low zoom).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    pub center: Pos2,
    pub radius_px: f32,
    pub fill: Color32,
    pub stroke: Stroke,
}

/// A label to place.
pub struct LabelSpec {
    pub class: LabelClass,
    /// Within a class, lower goes first (towns use minus their population).
    pub order: i64,
    pub text: String,
    pub font: FontId,
    pub color: Color32,
    /// Background box; transparent for none.
    pub bg: Color32,
    /// Anchor points to try, best first.
    pub positions: Vec<(Pos2, Align2)>,
    pub marker: Option<Marker>,
}

/// The four spots around a point marker: right, left, above and below, `gap_px` away from its centre.
pub fn around(p: Pos2, gap_px: f32) -> Vec<(Pos2, Align2)> {
    vec![
        (p + Vec2::new(gap_px, 0.0), Align2::LEFT_CENTER),
        (p - Vec2::new(gap_px, 0.0), Align2::RIGHT_CENTER),
        (p - Vec2::new(0.0, gap_px), Align2::CENTER_BOTTOM),
        (p + Vec2::new(0.0, gap_px), Align2::CENTER_TOP),
    ]
}

struct Candidate {
    class: LabelClass,
    order: i64,
    galley: Arc<Galley>,
    color: Color32,
    bg: Color32,
    /// Padded rectangles of the positions to try.
    rects: Vec<Rect>,
    marker: Option<Marker>,
}

/// A label as placed in a frame: its padded rectangle, text and class.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    pub rect: Rect,
    pub text: String,
    pub class: LabelClass,
}

/// Label candidates and reserved areas of one frame, filled by the plugins.
#[derive(Default)]
pub struct LabelCollector {
    candidates: Vec<Candidate>,
    reserved: Vec<Rect>,
}

impl LabelCollector {
    /// Keeps a screen area (a marker) free of labels.
    pub fn reserve(&mut self, r: Rect) {
        self.reserved.push(r);
    }

    /// Adds a label candidate; its text is laid out with `painter`'s fonts.
    pub fn add(&mut self, painter: &Painter, spec: LabelSpec) {
        if spec.positions.is_empty() || spec.text.is_empty() {
            return;
        }
        let galley = painter.layout_no_wrap(spec.text, spec.font, spec.color);
        let size = galley.size();
        let clip = painter.clip_rect();
        let rects: Vec<Rect> = spec
            .positions
            .iter()
            .map(|&(pos, anchor)| anchor.anchor_size(pos, size).expand(PAD_PX))
            .filter(|r| clip.contains_rect(*r))
            .collect();
        if rects.is_empty() {
            return;
        }
        self.candidates.push(Candidate {
            class: spec.class,
            order: spec.order,
            galley,
            color: spec.color,
            bg: spec.bg,
            rects,
            marker: spec.marker,
        });
    }

    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// Chooses a free spot for each candidate, by priority; returns (candidate, rectangle) pairs.
    fn place(&self) -> Vec<(usize, Rect)> {
        let mut by_priority: Vec<usize> = (0..self.candidates.len()).collect();
        by_priority.sort_by_key(|&i| (self.candidates[i].class, self.candidates[i].order));
        let mut taken = Grid::new(&self.reserved, &self.candidates);
        let mut placed = Vec::new();
        for i in by_priority {
            if let Some(&r) = self.candidates[i].rects.iter().find(|r| !taken.hits(**r)) {
                taken.insert(r);
                placed.push((i, r));
            }
        }
        placed
    }

    /// Places and draws the labels; returns what was placed.
    pub fn draw(&self, painter: &Painter) -> Vec<PlacedLabel> {
        let placed = self.place();
        let mut out = Vec::with_capacity(placed.len());
        // Lower priorities first, so that a higher one is drawn over anything it touches.
        for &(i, rect) in placed.iter().rev() {
            let c = &self.candidates[i];
            if let Some(m) = c.marker {
                painter.circle(m.center, m.radius_px, m.fill, m.stroke);
            }
            if c.bg != Color32::TRANSPARENT {
                painter.rect_filled(rect, 3.0, c.bg);
            }
            painter.galley(rect.min + Vec2::splat(PAD_PX), c.galley.clone(), c.color);
        }
        for (i, rect) in placed {
            let c = &self.candidates[i];
            out.push(PlacedLabel { rect, text: c.galley.text().to_owned(), class: c.class });
        }
        out
    }
}

/// Taken rectangles, bucketed in 64-px cells so that thousands of candidates stay cheap.
struct Grid {
    origin: Pos2,
    cols: usize,
    rows: usize,
    cells: Vec<Vec<Rect>>,
}

const CELL_PX: f32 = 64.0;

impl Grid {
    fn new(reserved: &[Rect], candidates: &[Candidate]) -> Self {
        let mut bounds = Rect::NOTHING;
        for r in reserved.iter().chain(candidates.iter().flat_map(|c| c.rects.iter())) {
            bounds = bounds.union(*r);
        }
        if !bounds.is_positive() {
            bounds = Rect::from_min_size(Pos2::ZERO, Vec2::splat(1.0));
        }
        // Reserved areas may lie far outside the map; the grid clamps them to its edge cells.
        let cols = ((bounds.width() / CELL_PX).ceil() as usize).clamp(1, 256);
        let rows = ((bounds.height() / CELL_PX).ceil() as usize).clamp(1, 256);
        let mut grid = Self { origin: bounds.min, cols, rows, cells: vec![Vec::new(); cols * rows] };
        for r in reserved {
            grid.insert(*r);
        }
        grid
    }

    fn span(&self, r: Rect) -> (std::ops::RangeInclusive<usize>, std::ops::RangeInclusive<usize>) {
        let cell = |v: f32, o: f32, n: usize| (((v - o) / CELL_PX).floor().max(0.0) as usize).min(n - 1);
        (
            cell(r.min.x, self.origin.x, self.cols)..=cell(r.max.x, self.origin.x, self.cols),
            cell(r.min.y, self.origin.y, self.rows)..=cell(r.max.y, self.origin.y, self.rows),
        )
    }

    fn insert(&mut self, r: Rect) {
        let (xs, ys) = self.span(r);
        for y in ys {
            for x in xs.clone() {
                self.cells[y * self.cols + x].push(r);
            }
        }
    }

    fn hits(&self, r: Rect) -> bool {
        let (xs, ys) = self.span(r);
        ys.into_iter().any(|y| xs.clone().any(|x| self.cells[y * self.cols + x].iter().any(|t| t.intersects(r))))
    }
}

/// Where the labels placed in the last frame are kept, for tests and tools.
fn placed_id() -> egui::Id {
    egui::Id::unique("borderplan.map.placed_labels")
}

/// The labels placed in the last frame drawn.
pub fn placed_labels(ctx: &egui::Context) -> Vec<PlacedLabel> {
    ctx.data(|d| d.get_temp::<Arc<Vec<PlacedLabel>>>(placed_id())).map(|v| v.as_ref().clone()).unwrap_or_default()
}

/// Added after every plugin that collects labels: places and draws them.
pub struct LabelsPlugin<'a> {
    pub labels: &'a RefCell<LabelCollector>,
}

impl Plugin for LabelsPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &egui::Response, _projector: &Projector, _memory: &MapMemory) {
        let placed = self.labels.borrow().draw(ui.painter());
        ui.ctx().data_mut(|d| d.insert_temp(placed_id(), Arc::new(placed)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(class: LabelClass, order: i64, text: &str, at: Pos2) -> LabelSpec {
        LabelSpec {
            class,
            order,
            text: text.to_owned(),
            font: FontId::proportional(12.0),
            color: Color32::BLACK,
            bg: Color32::TRANSPARENT,
            positions: vec![(at, Align2::LEFT_CENTER)],
            marker: None,
        }
    }

    fn with_painter(f: impl FnOnce(&Painter)) {
        let ctx = egui::Context::default();
        let mut f = Some(f);
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter_at(Rect::from_min_size(Pos2::ZERO, Vec2::new(800.0, 600.0)));
            if let Some(f) = f.take() {
                f(&painter);
            }
        });
        out.textures_delta.clear();
    }

    #[test]
    fn a_higher_priority_label_wins_a_contested_spot_whatever_the_order_of_arrival() {
        with_painter(|painter| {
            let mut labels = LabelCollector::default();
            let at = Pos2::new(100.0, 100.0);
            labels.add(painter, spec(LabelClass::Graticule, 0, "37°N", at));
            labels.add(painter, spec(LabelClass::Town, 0, "Khorugh", at));
            labels.add(painter, spec(LabelClass::Outpost, 0, "Outpost 5", at + Vec2::new(4.0, 2.0)));
            let placed = labels.draw(painter);
            assert_eq!(placed.len(), 1, "{placed:?}");
            assert_eq!(placed[0].text, "Outpost 5");
        });
    }

    #[test]
    fn a_label_moves_to_its_next_spot_when_the_first_is_taken() {
        with_painter(|painter| {
            let mut labels = LabelCollector::default();
            let p = Pos2::new(300.0, 300.0);
            labels.add(painter, spec(LabelClass::Outpost, 0, "Outpost 1", p + Vec2::new(5.0, 0.0)));
            let mut town = spec(LabelClass::Town, 0, "Khorugh", p);
            town.positions = around(p, 5.0);
            labels.add(painter, town);
            let placed = labels.draw(painter);
            assert_eq!(placed.len(), 2, "{placed:?}");
            assert!(!placed[0].rect.intersects(placed[1].rect));
            assert!(placed[1].rect.max.x <= p.x, "the town went to the left: {placed:?}");
        });
    }

    #[test]
    fn reserved_areas_and_the_map_edge_keep_labels_out() {
        with_painter(|painter| {
            let mut labels = LabelCollector::default();
            labels.reserve(Rect::from_center_size(Pos2::new(100.0, 100.0), Vec2::splat(12.0)));
            labels.add(painter, spec(LabelClass::Emphasis, 0, "on the marker", Pos2::new(96.0, 100.0)));
            labels.add(painter, spec(LabelClass::Emphasis, 1, "past the edge", Pos2::new(790.0, 100.0)));
            labels.add(painter, spec(LabelClass::Emphasis, 2, "free", Pos2::new(400.0, 400.0)));
            let placed: Vec<String> = labels.draw(painter).into_iter().map(|p| p.text).collect();
            assert_eq!(placed, vec!["free".to_owned()]);
        });
    }

    #[test]
    fn many_labels_are_placed_without_any_two_overlapping() {
        with_painter(|painter| {
            let mut labels = LabelCollector::default();
            for i in 0..2000 {
                let p = Pos2::new((i * 37 % 780) as f32 + 5.0, (i * 53 % 580) as f32 + 10.0);
                let class = [LabelClass::Town, LabelClass::KmPost, LabelClass::Layer][i % 3];
                let mut s = spec(class, i as i64, &format!("label {i}"), p);
                s.positions = around(p, 4.0);
                labels.add(painter, s);
            }
            let placed = labels.draw(painter);
            assert!(placed.len() > 50, "{}", placed.len());
            for (i, a) in placed.iter().enumerate() {
                for b in &placed[i + 1..] {
                    assert!(!a.rect.intersects(b.rect), "{a:?} overlaps {b:?}");
                }
            }
        });
    }
}
