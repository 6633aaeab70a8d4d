//! The border elevation profile: ground elevation along the chainage, the stage-3 stretches seen and unseen
//! by line of sight, and the sensors' positions. Hovering a km marks it on the map.

use crate::app::{App, Command, ViewCommand};
use crate::map::style::rgb;
use crate::model::palette;
use crate::model::terrain::Sight;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2};

pub fn profile_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(f) = &app.derived.terrain else {
        ui.weak("Load elevation data (File › Load elevation data…) to see the border profile.");
        return out;
    };
    let size = ui.available_size().max(Vec2::new(200.0, 80.0));
    let (response, painter) = ui.allocate_painter(size, Sense::hover());
    let full = response.rect;
    let plot = Rect::from_min_max(full.min + Vec2::new(48.0, 8.0), full.max - Vec2::new(10.0, 26.0));
    let length_km = f.samples.length_km.max(1e-9);
    let n = f.elevation_m.len();
    let known = f.elevation_m.iter().flatten();
    let (lo, hi) = known.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &z| (a.min(z), b.max(z)));
    if n == 0 || !lo.is_finite() {
        ui.weak("The elevation data does not reach the border.");
        return out;
    }
    let (lo, hi) = (f64::from(lo).floor(), f64::from(hi).ceil().max(f64::from(lo) + 1.0));
    let x_of = |km: f64| plot.left() + (km / length_km) as f32 * plot.width();
    let y_of = |z: f64| plot.bottom() - ((z - lo) / (hi - lo)) as f32 * plot.height();
    let text = ui.visuals().text_color();
    painter.rect_filled(plot, 2.0, ui.visuals().extreme_bg_color);
    // Seen (stage 3) and unseen stretches as a band under the plot.
    let band =
        Rect::from_min_max(Pos2::new(plot.left(), plot.bottom() + 2.0), Pos2::new(plot.right(), plot.bottom() + 8.0));
    painter.rect_filled(band, 0.0, rgb(palette::GAP));
    for &(a, b) in &app.derived.coverage_stage3.covered {
        let r =
            Rect::from_min_max(Pos2::new(x_of(a), band.top()), Pos2::new(x_of(b).max(x_of(a) + 1.0), band.bottom()));
        painter.rect_filled(r, 0.0, rgb(palette::STAGE3));
    }
    // The ground: per screen column the highest cell, so peaks are never lost.
    let columns = plot.width().max(1.0) as usize;
    let mut pts: Vec<Pos2> = Vec::with_capacity(columns);
    let mut segments: Vec<Vec<Pos2>> = Vec::new();
    for c in 0..columns {
        let from = c * n / columns;
        let to = ((c + 1) * n / columns).max(from + 1).min(n);
        let top =
            f.elevation_m[from..to].iter().flatten().fold(None, |m: Option<f32>, &z| Some(m.map_or(z, |m| m.max(z))));
        match top {
            Some(z) => pts.push(Pos2::new(plot.left() + c as f32, y_of(f64::from(z)))),
            None if !pts.is_empty() => segments.push(std::mem::take(&mut pts)),
            None => {}
        }
    }
    segments.push(pts);
    let ground = Color32::from_rgb(0x8c, 0x6d, 0x46);
    for s in segments.into_iter().filter(|s| s.len() > 1) {
        painter.add(egui::Shape::line(s, Stroke::new(1.5, ground)));
    }
    // Sensors with a line of sight: a tick at their km.
    for s in f.sensors.iter().filter(|s| matches!(s.sight, Sight::FromHeight { .. })) {
        let x = x_of(s.km);
        painter.line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.top() + 6.0)],
            Stroke::new(2.0, rgb(palette::STAGE2)),
        );
    }
    // Axes.
    let font = FontId::proportional(10.5);
    painter.text(Pos2::new(plot.left() - 4.0, plot.top()), Align2::RIGHT_TOP, format!("{hi:.0} m"), font.clone(), text);
    painter.text(
        Pos2::new(plot.left() - 4.0, plot.bottom()),
        Align2::RIGHT_BOTTOM,
        format!("{lo:.0} m"),
        font.clone(),
        text,
    );
    let step = [50.0, 100.0, 200.0, 500.0].into_iter().find(|s| length_km / s < 16.0).unwrap_or(1000.0);
    let mut km = 0.0;
    while km <= length_km {
        painter.text(
            Pos2::new(x_of(km), band.bottom() + 2.0),
            Align2::CENTER_TOP,
            format!("{km:.0}"),
            font.clone(),
            text,
        );
        km += step;
    }
    painter.text(
        Pos2::new(plot.right(), plot.top() + 2.0),
        Align2::RIGHT_TOP,
        "band: seen by stage 3 (blue), unseen (vermillion) · ticks: sensors",
        font.clone(),
        text,
    );
    // Hover: the km and its elevation; the map marks it.
    let hovered = response.hover_pos().filter(|p| plot.x_range().contains(p.x)).map(|p| {
        let km = f64::from((p.x - plot.left()) / plot.width()) * length_km;
        (p, km.clamp(0.0, length_km))
    });
    if let Some((p, km)) = hovered {
        painter.line_segment([Pos2::new(p.x, plot.top()), Pos2::new(p.x, plot.bottom())], Stroke::new(1.0, text));
        let cell = ((km / f.samples.cell_km) as usize).min(n - 1);
        let z = f.elevation_m[cell].map_or_else(|| "no data".to_owned(), |z| format!("{z:.0} m"));
        painter.text(
            p + Vec2::new(8.0, -14.0),
            Align2::LEFT_BOTTOM,
            format!("km {km:.1} · {z}"),
            FontId::proportional(12.0),
            text,
        );
    }
    let km = hovered.map(|(_, km)| km);
    if km != app.profile_km {
        out.push(ViewCommand::ProfileKm(km).into());
    }
    out
}
