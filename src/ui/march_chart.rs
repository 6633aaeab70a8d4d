//! The timeline slider and the time–chainage ("march") chart: x = border km, y = quarter; each assignment is
//! a bar over its km extent at its delivery quarter.

use crate::app::selection::SelectMode;
use crate::app::settings::BottomTab;
use crate::app::{App, Command, SettingChange, ViewCommand};
use crate::io::format::count;
use crate::map::style::{rgb, stage_color};
use crate::model::stages::programme_window;
use crate::model::{Quarter, Stage, Target, palette};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2};

pub fn timeline_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let (first, last) = programme_window();
    ui.horizontal(|ui| {
        let mut tab = app.settings.bottom_tab;
        ui.selectable_value(&mut tab, BottomTab::Table, "Plan table");
        ui.selectable_value(&mut tab, BottomTab::MarchChart, "March chart");
        if app.derived.terrain.is_some() {
            ui.selectable_value(&mut tab, BottomTab::Profile, "Border profile");
        }
        if tab != app.settings.bottom_tab {
            out.push(ViewCommand::Setting(SettingChange::BottomTab(tab)).into());
        }
        ui.separator();
        let mut on = app.timeline.is_some();
        if ui.checkbox(&mut on, "Timeline").on_hover_text("Show only what is delivered by the chosen quarter").changed()
        {
            out.push(ViewCommand::SetTimeline(if on { Some(first) } else { None }).into());
            out.push(ViewCommand::SetPlaying(false).into());
        }
        ui.spacing_mut().slider_width = 120.0;
        let mut idx = app.timeline.unwrap_or(last).index();
        let slider = egui::Slider::new(&mut idx, first.index()..=last.index())
            .custom_formatter(|v, _| Quarter::from_index(v as i32).to_string())
            .show_value(true);
        if ui.add_enabled(app.timeline.is_some(), slider).on_hover_text("Timeline quarter").changed() {
            out.push(ViewCommand::SetTimeline(Some(Quarter::from_index(idx))).into());
        }
        let play = if app.playing { "Pause" } else { "Play" };
        if ui.button(play).clicked() {
            let playing = !app.playing;
            if playing && (app.timeline.is_none() || app.timeline == Some(last)) {
                out.push(ViewCommand::SetTimeline(Some(first)).into());
            }
            out.push(ViewCommand::SetPlaying(playing).into());
        }
        if let (Some(q), Some(cov)) = (app.timeline, app.derived.timeline_coverage()) {
            // Short enough for the row between the side panels; the whole sentence on hover.
            let text =
                format!("{:.0} km ({:.1} %), {}", cov.covered_km, cov.percent(), count(cov.gaps.len(), "gap", "gaps"));
            ui.add(egui::Label::new(text).extend()).on_hover_text(format!(
                "By {q}: {:.0} km of {:.0} km covered ({:.1} %), {}",
                cov.covered_km,
                app.plan.border.length_km(),
                cov.percent(),
                count(cov.gaps.len(), "coverage gap", "coverage gaps")
            ));
        }
    });
    out
}

pub fn march_chart_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let (first, last) = programme_window();
    let quarters: Vec<Quarter> = first.range_to(last).collect();
    // The panel's own area (a wide row above must not stretch the chart past the panel's edge).
    let area = ui.available_rect_before_wrap().intersect(ui.clip_rect());
    let size = area.size().max(Vec2::new(300.0, 60.0));
    let (response, painter) = ui.allocate_painter(size, Sense::click());
    let full = response.rect;
    let dark = app.settings.dark;
    let text = if dark { Color32::from_gray(225) } else { Color32::from_gray(40) };
    let faint = if dark { Color32::from_gray(70) } else { Color32::from_gray(215) };
    let plot = Rect::from_min_max(full.min + Vec2::new(82.0, 6.0), full.max - Vec2::new(12.0, 34.0));
    let length = app.plan.border.length_km().max(1.0);
    let x_of = |km: f64| plot.left() + (km / length) as f32 * plot.width();
    let row_h = plot.height() / quarters.len() as f32;
    let y_of = |q: Quarter| plot.top() + (q.index() - first.index()) as f32 * row_h;

    // Stage windows as bands.
    for s in [Stage::One, Stage::Two, Stage::Three] {
        let (a, b) = s.window();
        // One column per stage: stages 2 and 3 overlap in 2027 and the columns show it.
        let x0 = full.left() + 2.0 + f32::from(s.number() - 1) * 7.0;
        let band = Rect::from_min_max(Pos2::new(x0, y_of(a)), Pos2::new(x0 + 6.0, y_of(b) + row_h));
        painter.rect_filled(band, 2.0, rgb(palette::stage_rgb(Some(s))).gamma_multiply(0.55));
        band.is_positive().then(|| {
            painter.text(
                band.center_top() + Vec2::new(0.0, 1.0),
                Align2::CENTER_TOP,
                s.number().to_string(),
                FontId::proportional(9.0),
                text,
            )
        });
    }
    // Quarter rows and labels.
    for (i, q) in quarters.iter().enumerate() {
        let y = y_of(*q);
        if i % 2 == 0 {
            painter.rect_filled(
                Rect::from_min_size(Pos2::new(plot.left(), y), Vec2::new(plot.width(), row_h)),
                0.0,
                faint.gamma_multiply(0.35),
            );
        }
        if row_h >= 9.0 || q.q == 1 {
            painter.text(
                Pos2::new(plot.left() - 4.0, y + row_h / 2.0),
                Align2::RIGHT_CENTER,
                q.to_string(),
                FontId::monospace(row_h.clamp(7.0, 10.5)),
                text,
            );
        }
    }
    // Segment boundaries and km axis.
    for s in app.plan.segments.segments() {
        painter.line_segment(
            [Pos2::new(x_of(s.from_km), plot.top()), Pos2::new(x_of(s.from_km), plot.bottom())],
            Stroke::new(0.5, faint),
        );
    }
    let step = if plot.width() > 900.0 { 50.0 } else { 100.0 };
    let mut km = 0.0;
    while km <= length {
        let x = x_of(km);
        painter.line_segment([Pos2::new(x, plot.bottom()), Pos2::new(x, plot.bottom() + 4.0)], Stroke::new(1.0, text));
        painter.text(
            Pos2::new(x, plot.bottom() + 5.0),
            Align2::CENTER_TOP,
            format!("{km:.0}"),
            FontId::monospace(10.0),
            text,
        );
        km += step;
    }
    painter.text(
        Pos2::new(plot.right(), full.bottom() - 2.0),
        Align2::RIGHT_BOTTOM,
        "border km, west to east",
        FontId::proportional(10.5),
        text,
    );
    // Stage-3 gaps at the bottom of the chart.
    for &(a, b) in &app.derived.coverage_stage3.gaps {
        let r = Rect::from_min_max(
            Pos2::new(x_of(a), plot.bottom() - 3.0),
            Pos2::new(x_of(b).max(x_of(a) + 2.0), plot.bottom()),
        );
        painter.rect_filled(r, 0.0, rgb(palette::GAP));
    }
    // Bars.
    let pointer = response.hover_pos();
    let mut hovered: Option<usize> = None;
    // One rectangle per distinct (target, quarter, stage), computed once per change (see `Derived::march_bars`).
    for bar in &app.derived.march_bars {
        let (k0, k1, i) = (bar.from_km, bar.to_km, bar.last);
        let y = y_of(bar.quarter);
        if bar.quarter < first || bar.quarter > last {
            continue;
        }
        let (x0, x1) = (x_of(k0), x_of(k1));
        let r = if matches!(bar.target, Target::Outpost(_)) {
            Rect::from_center_size(Pos2::new(x0, y + row_h / 2.0), Vec2::new(6.0, (row_h - 2.0).max(3.0)))
        } else {
            Rect::from_min_max(Pos2::new(x0, y + 1.5), Pos2::new(x1.max(x0 + 2.0), y + row_h - 1.5))
        };
        let selected = app.selection.contains(&bar.target);
        let c = stage_color(Some(bar.stage));
        painter.rect_filled(r, 1.0, if selected { c } else { c.gamma_multiply(0.8) });
        if selected {
            painter.rect_stroke(
                r.expand(1.0),
                1.0,
                Stroke::new(2.0, crate::map::style::rgb(crate::model::palette::SELECTION)),
                egui::StrokeKind::Outside,
            );
        }
        if pointer.is_some_and(|p| r.expand(1.5).contains(p)) {
            hovered = Some(i);
        }
    }
    if let Some(q) = app.timeline {
        let y = y_of(q) + row_h;
        painter.line_segment(
            [Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
            Stroke::new(2.0, Color32::from_rgb(0xd6, 0x27, 0x28)),
        );
    }
    if let Some(i) = hovered {
        if let Some(a) = app.plan.assignments.get(i) {
            let eq = app.plan.catalog.get(&a.equipment_id).map(|e| e.name.as_str()).unwrap_or(&a.equipment_id);
            let (k0, k1) = app.plan.target_extent_km(&a.target).unwrap_or((0.0, 0.0));
            let tip = format!(
                "{} · {} × {eq}\n{} (km {k0:.1}–{k1:.1})\n{} · {} · {} · {}",
                a.id,
                a.quantity,
                app.plan.target_name(&a.target).unwrap_or(a.target.id()),
                a.stage,
                a.quarter,
                a.supplier,
                a.status
            );
            response.clone().on_hover_text_at_pointer(tip);
            if response.clicked() {
                let add = ui.input(|i| i.modifiers.shift);
                out.push(Command::select(
                    vec![a.target.clone()],
                    if add { SelectMode::Add } else { SelectMode::Replace },
                ));
            }
        }
    } else if response.clicked() {
        // A click on an empty spot selects the segment at that km.
        if let Some(p) = response.interact_pointer_pos()
            && plot.contains(p)
        {
            let km = f64::from((p.x - plot.left()) / plot.width()) * length;
            if let Some(s) = app.plan.segments.segment_at_km(km) {
                out.push(Command::select(vec![Target::Segment(s.id.clone())], SelectMode::Replace));
            }
        }
    }
    out
}
