//! The map inside the frame: reference layers, imported layers, coverage gaps, the border with its segments in
//! stage colours, rule-violation marks, km posts, outposts and their names (placed without overlaps).

use super::canvas::{Canvas, Line, Path};
use super::layout::Layout;
use super::text::{Anchor, Font};
use super::{SheetLayer, SheetOptions};
use crate::io::bundled::BaseData;
use crate::model::palette::{BORDER, GAP, Rgb, stage_rgb};
use crate::model::{Plan, Severity, Side, Target};
use geo::{BoundingRect, Geometry, LineString};
use std::collections::BTreeSet;

pub const BACKGROUND: Rgb = [0xf6, 0xf6, 0xf3];
pub const LAND_TJ: Rgb = [0xf2, 0xec, 0xdb];
pub const LAND_AF: Rgb = [0xe6, 0xdf, 0xcc];
pub const PROVINCE_EDGE: Rgb = [0xb8, 0xb0, 0xa0];
pub const RIVER: Rgb = [0x5B, 0x9B, 0xD5];
pub const LAKE: Rgb = [0xc6, 0xdc, 0xef];
pub const TEXT: Rgb = [0x20, 0x20, 0x20];
pub const FAINT: Rgb = [0x6a, 0x64, 0x5a];
pub const WHITE: Rgb = [0xff, 0xff, 0xff];
/// The violation mark: black, none of the stage colours (as on the window's map).
pub const VIOLATION: Rgb = [0x10, 0x10, 0x10];

/// `c` at `alpha` over white (the sheet draws only opaque colours, the same in PNG and PDF).
pub fn over_white(c: Rgb, alpha: f32) -> Rgb {
    let mix = |v: u8| (f32::from(v) * alpha + 255.0 * (1.0 - alpha)).round() as u8;
    [mix(c[0]), mix(c[1]), mix(c[2])]
}

/// The gap band's colour.
pub fn gap_color() -> Rgb {
    over_white(GAP, 0.55)
}

/// What the plan puts on the map: stage-3 gaps and the targets with an error finding.
pub struct Content {
    pub gaps: Vec<(f64, f64)>,
    pub violations: BTreeSet<Target>,
    pub samples: usize,
}

impl Content {
    pub fn of(plan: &Plan, options: &SheetOptions) -> Self {
        let basis = options.basis.as_ref();
        let gaps = crate::io::export::stage3_gaps(plan, basis);
        let findings = basis.map_or_else(|| crate::model::rules::check(plan), |b| b.findings.clone());
        let mut violations = BTreeSet::new();
        for f in findings.iter().filter(|f| f.severity == Severity::Error) {
            if let Some(t) = &f.target {
                violations.insert(t.clone());
            }
            if let Some(a) = f.assignment_id.as_deref().and_then(|id| plan.assignment(id)) {
                violations.insert(a.target.clone());
            }
        }
        Self { gaps, violations, samples: plan.outposts.iter().filter(|o| o.sample).count() }
    }
}

/// Text with a white halo.
#[allow(clippy::too_many_arguments)]
pub fn label(
    canvas: &mut dyn Canvas,
    font: &Font,
    text: &str,
    size: f32,
    x: f32,
    y: f32,
    anchor: Anchor,
    color: Rgb,
    halo_pt: f32,
) {
    let p = font.path(text, size, x, y, anchor);
    if halo_pt > 0.0 {
        canvas.stroke(&p, WHITE, Line::round(halo_pt));
    }
    canvas.fill(&p, color);
}

/// Rectangles taken by labels and markers, pt [x0, y0, x1, y1].
#[derive(Default)]
pub struct Taken(Vec<[f32; 4]>);

impl Taken {
    pub fn free(&self, r: [f32; 4]) -> bool {
        !self.0.iter().any(|t| r[0] < t[2] && r[2] > t[0] && r[1] < t[3] && r[3] > t[1])
    }
    pub fn take(&mut self, r: [f32; 4]) {
        self.0.push(r);
    }
}

/// Projected runs of a line, cut where it leaves the frame (plus `pad`), with points closer than 0.2 pt dropped.
fn runs(layout: &Layout, coords: impl Iterator<Item = (f64, f64)>, pad: f32) -> Vec<Vec<(f32, f32)>> {
    let [fx, fy, fw, fh] = layout.frame;
    let (x0, y0, x1, y1) = (fx - pad, fy - pad, fx + fw + pad, fy + fh + pad);
    let mut out: Vec<Vec<(f32, f32)>> = Vec::new();
    let mut cur: Vec<(f32, f32)> = Vec::new();
    let mut prev: Option<(f32, f32)> = None;
    for (lon, lat) in coords {
        let p = layout.proj.xy(lon, lat);
        if let Some(q) = prev {
            let meets = p.0.min(q.0) <= x1 && p.0.max(q.0) >= x0 && p.1.min(q.1) <= y1 && p.1.max(q.1) >= y0;
            if meets {
                if cur.is_empty() {
                    cur.push(q);
                }
                let last = cur.last().copied().unwrap_or(q);
                if (p.0 - last.0).abs() + (p.1 - last.1).abs() > 0.2 {
                    cur.push(p);
                }
            } else if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        prev = Some(p);
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
    out.retain(|r| r.len() >= 2);
    out
}

fn line_path(layout: &Layout, line: &LineString<f64>, pad: f32) -> Path {
    let mut p = Path::new();
    for run in runs(layout, line.0.iter().map(|c| (c.x, c.y)), pad) {
        p.poly(&run, false);
    }
    p
}

fn ring_path(layout: &Layout, p: &mut Path, ring: &LineString<f64>) {
    let pts: Vec<(f32, f32)> = ring.0.iter().map(|c| layout.proj.xy(c.x, c.y)).collect();
    p.poly(&pts, true);
}

fn visible(layout: &Layout, r: Option<geo::Rect<f64>>) -> bool {
    let [w, s, e, n] = layout.view;
    r.is_some_and(|r| r.max().x >= w && r.min().x <= e && r.max().y >= s && r.min().y <= n)
}

fn draw_geometry(layout: &Layout, canvas: &mut dyn Canvas, g: &Geometry<f64>, color: Rgb, u: f32) {
    match g {
        Geometry::Point(p) => {
            let (x, y) = layout.proj.xy(p.x(), p.y());
            if layout.in_frame(x, y, -4.0) {
                canvas.fill(&Path::circle(x, y, 2.2 * u), color);
                canvas.stroke(&Path::circle(x, y, 2.2 * u), WHITE, Line::round(0.6 * u));
            }
        }
        Geometry::MultiPoint(mp) => {
            mp.0.iter().for_each(|p| draw_geometry(layout, canvas, &Geometry::Point(*p), color, u))
        }
        Geometry::LineString(l) => canvas.stroke(&line_path(layout, l, 4.0), color, Line::round(1.1 * u)),
        Geometry::MultiLineString(ml) => {
            ml.0.iter().for_each(|l| canvas.stroke(&line_path(layout, l, 4.0), color, Line::round(1.1 * u)));
        }
        Geometry::Polygon(poly) => {
            let mut p = Path::new();
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                ring_path(layout, &mut p, ring);
            }
            canvas.fill(&p, over_white(color, 0.25));
            canvas.stroke(&p, color, Line::round(0.9 * u));
        }
        Geometry::MultiPolygon(mp) => {
            mp.0.iter().for_each(|p| draw_geometry(layout, canvas, &Geometry::Polygon(p.clone()), color, u));
        }
        Geometry::GeometryCollection(gc) => gc.0.iter().for_each(|g| draw_geometry(layout, canvas, g, color, u)),
        Geometry::Rect(r) => draw_geometry(layout, canvas, &Geometry::Polygon(r.to_polygon()), color, u),
        Geometry::Triangle(t) => draw_geometry(layout, canvas, &Geometry::Polygon(t.to_polygon()), color, u),
        Geometry::Line(l) => {
            draw_geometry(layout, canvas, &Geometry::LineString(LineString::from(vec![l.start, l.end])), color, u);
        }
    }
}

fn draw_layers(layout: &Layout, canvas: &mut dyn Canvas, layers: &[SheetLayer]) {
    for layer in layers {
        for f in layer.features.iter() {
            if visible(layout, f.geometry.bounding_rect()) {
                draw_geometry(layout, canvas, &f.geometry, layer.color, layout.u);
            }
        }
    }
}

fn draw_base(layout: &Layout, canvas: &mut dyn Canvas, base: &BaseData) {
    let u = layout.u;
    for r in base.regions.iter().filter(|r| visible(layout, r.area.bounding_rect())) {
        let mut p = Path::new();
        for poly in &r.area.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                ring_path(layout, &mut p, ring);
            }
        }
        let fill = match r.side {
            Side::Tajikistan => LAND_TJ,
            Side::Afghanistan => LAND_AF,
        };
        canvas.fill(&p, fill);
        canvas.stroke(&p, PROVINCE_EDGE, Line::round(0.5 * u));
    }
    for lake in base.lakes.iter().filter(|l| visible(layout, l.area.bounding_rect())) {
        let mut p = Path::new();
        ring_path(layout, &mut p, lake.area.exterior());
        canvas.fill(&p, LAKE);
    }
    for river in base.rivers.iter().filter(|r| visible(layout, r.lines.bounding_rect())) {
        for l in &river.lines.0 {
            canvas.stroke(&line_path(layout, l, 4.0), RIVER, Line::round(0.9 * u));
        }
    }
}

/// Short ticks across a line every `step` pt: the rule-violation hatch (as on the window's map).
fn hatch(layout: &Layout, canvas: &mut dyn Canvas, line: &LineString<f64>) {
    let u = layout.u;
    let (step, half) = (5.0 * u, 4.5 * u);
    let mut p = Path::new();
    for run in runs(layout, line.0.iter().map(|c| (c.x, c.y)), 4.0) {
        let mut carry = 0.0_f32;
        for w in run.windows(2) {
            let ((ax, ay), (bx, by)) = (w[0], w[1]);
            let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
            if len < 1e-3 {
                continue;
            }
            let (tx, ty) = ((bx - ax) / len, (by - ay) / len);
            // Slanted ticks (45° to the line) read as hatching, not as km posts.
            let (nx, ny) = ((-ty + tx) * std::f32::consts::FRAC_1_SQRT_2, (tx + ty) * std::f32::consts::FRAC_1_SQRT_2);
            let mut t = step - carry;
            while t <= len {
                let (cx, cy) = (ax + tx * t, ay + ty * t);
                p.move_to(cx - nx * half, cy - ny * half);
                p.line_to(cx + nx * half, cy + ny * half);
                t += step;
            }
            carry = (carry + len) % step;
        }
    }
    canvas.stroke(&p, VIOLATION, Line::butt(0.8 * u));
}

/// km-post spacings; each divides the next.
const KM_STEPS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 200.0];

/// Tick and label spacing in km for `pt_per_km`.
pub fn km_steps(pt_per_km: f64, u: f32) -> (f64, f64) {
    let pick = |min_pt: f64| KM_STEPS.into_iter().find(|s| s * pt_per_km >= min_pt).unwrap_or(200.0);
    let label = pick(62.0 * f64::from(u));
    (pick(16.0 * f64::from(u)).min(label), label)
}

/// The unit normal at `km` pointing up the sheet (north side), and the point, pt.
fn normal_at(layout: &Layout, plan: &Plan, km: f64) -> ((f32, f32), (f32, f32)) {
    let len = plan.border.length_km();
    let p = plan.border.point_at_km(km);
    let a = plan.border.point_at_km((km - 0.5).max(0.0));
    let b = plan.border.point_at_km((km + 0.5).min(len));
    let (x, y) = layout.proj.xy(p.x(), p.y());
    let (ax, ay) = layout.proj.xy(a.x(), a.y());
    let (bx, by) = layout.proj.xy(b.x(), b.y());
    let (dx, dy) = (bx - ax, by - ay);
    let l = (dx * dx + dy * dy).sqrt().max(1e-6);
    let (mut nx, mut ny) = (-dy / l, dx / l);
    if ny > 0.0 {
        nx = -nx;
        ny = -ny;
    }
    ((x, y), (nx, ny))
}

/// Draws the map content, clipped to the frame.
pub fn draw(
    layout: &Layout,
    content: &Content,
    plan: &Plan,
    base: Option<&BaseData>,
    options: &SheetOptions,
    font: &Font,
    canvas: &mut dyn Canvas,
) {
    let u = layout.u;
    let [fx, fy, fw, fh] = layout.frame;
    canvas.clip(Some(layout.frame));
    canvas.fill(&Path::rect(fx, fy, fw, fh), BACKGROUND);
    if let Some(base) = base {
        draw_base(layout, canvas, base);
    }
    super::furniture::graticule_lines(layout, canvas);
    draw_layers(layout, canvas, &options.layers);

    for &(a, b) in &content.gaps {
        canvas.stroke(&line_path(layout, &plan.border.substring(a, b), 8.0), gap_color(), Line::round(10.0 * u));
    }
    canvas.stroke(&line_path(layout, plan.border.line(), 4.0), BORDER, Line::round(1.3 * u));
    for seg in plan.segments.segments() {
        let target = Target::Segment(seg.id.clone());
        let stage = plan.target_stage(&target, None);
        if stage.is_none() {
            continue;
        }
        let line = plan.border.substring(seg.from_km, seg.to_km);
        canvas.stroke(&line_path(layout, &line, 4.0), stage_rgb(stage), Line::butt(3.8 * u));
    }
    for seg in plan.segments.segments() {
        if content.violations.contains(&Target::Segment(seg.id.clone())) {
            hatch(layout, canvas, &plan.border.substring(seg.from_km, seg.to_km));
        }
    }

    let mut taken = Taken::default();
    // Outpost markers first: labels keep clear of them.
    let mut shown = Vec::new();
    for o in &plan.outposts {
        let (x, y) = layout.proj.xy(o.position.x(), o.position.y());
        if !layout.in_frame(x, y, 0.0) {
            continue;
        }
        let target = Target::Outpost(o.id.clone());
        let stage = plan.target_stage(&target, None);
        let r = 3.2 * u;
        if content.violations.contains(&target) {
            let d = 6.5 * u;
            let mut p = Path::new();
            p.poly(&[(x, y - d), (x + d, y), (x, y + d), (x - d, y)], true);
            canvas.stroke(&p, VIOLATION, Line::round(1.0 * u));
        }
        canvas.fill(&Path::circle(x, y, r), stage_rgb(stage.or(None)));
        canvas.stroke(&Path::circle(x, y, r), WHITE, Line::round(0.8 * u));
        taken.take([x - r, y - r, x + r, y + r]);
        shown.push((o, x, y));
    }

    // km posts: ticks on the north side, numbers beyond them.
    let (tick_km, label_km) = km_steps(layout.proj.pt_per_km(), u);
    let length = plan.border.length_km();
    let mut ticks = Path::new();
    let mut km_labels = Vec::new();
    let mut km = tick_km;
    while km < length - 1e-6 {
        let ((x, y), (nx, ny)) = normal_at(layout, plan, km);
        if layout.in_frame(x, y, 0.0) {
            let major = (km / label_km).round() * label_km - km;
            let long = major.abs() < 1e-6;
            let l = if long { 6.0 * u } else { 3.5 * u };
            ticks.move_to(x - nx * 2.0 * u, y - ny * 2.0 * u);
            ticks.line_to(x + nx * l, y + ny * l);
            if long {
                km_labels.push((km, x + nx * 11.0 * u, y + ny * 11.0 * u));
            }
        }
        km += tick_km;
    }
    canvas.stroke(&ticks, TEXT, Line::butt(0.7 * u));

    // Outpost names, then km numbers, then towns and countries where there is room.
    let name_size = 7.2 * u;
    let cap = font.cap_height(name_size);
    for (o, x, y) in &shown {
        let w = font.width(&o.name, name_size);
        let gap = 5.0 * u;
        let spots = [
            (x + gap, y + cap / 2.0, Anchor::Start),
            (x - gap, y + cap / 2.0, Anchor::End),
            (*x, y - gap - 1.0 * u, Anchor::Middle),
            (*x, y + gap + cap, Anchor::Middle),
            (x + gap * 0.8, y - gap * 0.8, Anchor::Start),
            (x + gap * 0.8, y + gap * 0.8 + cap, Anchor::Start),
        ];
        for (lx, ly, anchor) in spots {
            let x0 = match anchor {
                Anchor::Start => lx,
                Anchor::Middle => lx - w / 2.0,
                Anchor::End => lx - w,
            };
            let r = [x0 - 1.0, ly - cap - 1.5, x0 + w + 1.0, ly + 2.5];
            if taken.free(r) && layout.in_frame(r[0], r[1], 1.0) && layout.in_frame(r[2], r[3], 1.0) {
                taken.take(r);
                label(canvas, font, &o.name, name_size, lx, ly, anchor, TEXT, 2.2 * u);
                break;
            }
        }
    }
    let km_size = 6.8 * u;
    let km_cap = font.cap_height(km_size);
    for (km, x, y) in km_labels {
        let text = format!("{km:.0}");
        let w = font.width(&text, km_size);
        let by = y + km_cap / 2.0;
        let r = [x - w / 2.0 - 1.0, by - km_cap - 1.0, x + w / 2.0 + 1.0, by + 1.5];
        if taken.free(r) && layout.in_frame(r[0], r[1], 1.0) && layout.in_frame(r[2], r[3], 1.0) {
            taken.take(r);
            label(canvas, font, &text, km_size, x, by, Anchor::Middle, TEXT, 2.0 * u);
        }
    }
    if let Some(base) = base {
        let size = 7.6 * u;
        let tcap = font.cap_height(size);
        let mut placed = 0;
        for t in &base.towns {
            if placed >= 14 {
                break;
            }
            let (x, y) = layout.proj.xy(t.position.x(), t.position.y());
            if !layout.in_frame(x, y, 4.0) {
                continue;
            }
            let w = font.width(&t.name, size);
            let r = [x - 2.0 * u, y - tcap - 4.0 * u, x + 4.0 * u + w + 1.0, y + 2.0 * u];
            if taken.free(r) && layout.in_frame(r[2], r[1], 1.0) {
                taken.take(r);
                canvas.fill(&Path::circle(x, y, 1.5 * u), [0x44, 0x44, 0x44]);
                label(
                    canvas,
                    font,
                    &t.name,
                    size,
                    x + 3.5 * u,
                    y - 2.5 * u,
                    Anchor::Start,
                    [0x33, 0x33, 0x33],
                    2.0 * u,
                );
                placed += 1;
            }
        }
    }
    if let Some(base) = base {
        country_names(layout, canvas, font, base, &mut taken);
    }
    canvas.clip(None);
}

/// "TAJIKISTAN" and "AFGHANISTAN" on their own side, at the free spot nearest the frame's centre on a 7 × 5 grid.
fn country_names(layout: &Layout, canvas: &mut dyn Canvas, font: &Font, base: &BaseData, taken: &mut Taken) {
    use geo::Contains;
    let u = layout.u;
    let size = 11.0 * u;
    let cap = font.cap_height(size);
    let [fx, fy, fw, fh] = layout.frame;
    let mut spots: Vec<(f32, f32)> = Vec::new();
    for i in 0..7 {
        for j in 0..5 {
            spots.push((fx + fw * (i as f32 + 0.5) / 7.0, fy + fh * (j as f32 + 0.5) / 5.0));
        }
    }
    let (cx, cy) = (fx + fw / 2.0, fy + fh / 2.0);
    spots.sort_by(|a, b| {
        let da = (a.0 - cx).powi(2) + (a.1 - cy).powi(2);
        let db = (b.0 - cx).powi(2) + (b.1 - cy).powi(2);
        da.total_cmp(&db)
    });
    for (name, side) in [("TAJIKISTAN", Side::Tajikistan), ("AFGHANISTAN", Side::Afghanistan)] {
        let w = font.width(name, size);
        for &(x, y) in &spots {
            let r = [x - w / 2.0 - 2.0, y - cap - 2.0, x + w / 2.0 + 2.0, y + 3.0];
            if !(taken.free(r) && layout.in_frame(r[0], r[1], 4.0) && layout.in_frame(r[2], r[3], 4.0)) {
                continue;
            }
            // The label's corners and middle must lie in that country (so it does not straddle the border).
            let probes = [(r[0], r[1]), (r[2], r[1]), (r[0], r[3]), (r[2], r[3]), ((r[0] + r[2]) / 2.0, y - cap / 2.0)];
            let inside = probes.iter().all(|&(px, py)| {
                let (lon, lat) = layout.proj.lon_lat(f64::from(px), f64::from(py));
                base.regions.iter().any(|g| g.side == side && g.area.contains(&geo::Point::new(lon, lat)))
            });
            if inside {
                taken.take(r);
                label(canvas, font, name, size, x, y, Anchor::Middle, FAINT, 2.5 * u);
                break;
            }
        }
    }
}
