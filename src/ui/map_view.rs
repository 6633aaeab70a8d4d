//! The central map: walkers with our plugins, and the interaction (select, box select, measure, hover,
//! context menu) turned into commands.

use crate::app::selection::SelectMode;
use crate::app::{App, Command, SelectCommand, Tool, ViewCommand};
use crate::map::basemap::BasemapPlugin;
use crate::map::labels::{LabelCollector, LabelsPlugin};
use crate::map::layers::LayersPlugin;
use crate::map::overlays::PlanOverlay;
use crate::map::picking::ScreenMap;
use crate::map::style::{MapStyle, rgb};
use crate::map::tiles::RasterBasemap;
use crate::map::{ProjectorMap, screen};
use crate::model::{Edit, Target, palette};
use crate::ui::state::MapViewState;
use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Ui, Vec2};
use geo::{Bearing, Distance, Geodesic};
use walkers::{Map, MapMemory, lon_lat};

/// Pixels within which a click hits a feature.
pub const PICK_TOLERANCE_PX: f32 = 8.0;

/// The map. `memory` and `raster` are the app's view state, lent for the frame: the walkers widget moves the
/// view as the planner drags and zooms. Everything else the planner does comes back as commands.
pub fn map_ui(
    app: &App,
    memory: &mut MapMemory,
    raster: Option<&mut RasterBasemap>,
    state: &mut MapViewState,
    ui: &mut Ui,
) -> Vec<Command> {
    let mut commands: Vec<Command> = Vec::new();
    let style = MapStyle { dark: app.settings.dark };
    let rect = ui.available_rect_before_wrap();
    // Fit before drawing so the first frame already shows the whole border.
    fit_first_view(app, memory, ui.ctx(), rect);
    commands.push(ViewCommand::MapArea(rect).into());
    ui.painter().rect_filled(rect, 0.0, style.background());

    let (shift, ctrl) = ui.input(|i| (i.modifiers.shift, i.modifiers.command || i.modifiers.ctrl));
    let box_mode = shift && app.tool == Tool::Select;
    let b = app.border_bounds();
    let home = lon_lat((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
    let gaps: &[(f64, f64)] = match app.derived.timeline_coverage() {
        Some(c) => &c.gaps,
        None => &app.derived.coverage_stage3.gaps,
    };
    let opacity = app.settings.tile_opacity;
    let attribution = attribution_box(app, ui.painter(), rect).0;
    let mut raster = raster;
    if let Some(r) = raster.as_deref_mut() {
        r.begin_frame();
    }
    // Until tiles actually arrive (offline, missing area) the vector basemap stays fully visible.
    let has_tiles = raster.as_deref().is_some_and(|r| r.drew_tiles());
    let tiles = raster.map(|r| r as &mut dyn walkers::Tiles);
    let selected: std::collections::BTreeSet<Target> = app.selection.iter().cloned().collect();
    // All map labels of this frame, placed together by the last plugin.
    let labels = std::cell::RefCell::new(LabelCollector::default());
    // Labels keep clear of the legend and the attribution drawn over the map's corners.
    labels.borrow_mut().reserve(legend_box(rect));
    labels.borrow_mut().reserve(attribution);
    wheel_zoom(memory, ui, rect, home);
    // Walkers zooms on Ctrl+wheel and pinch only; it neither pans nor zooms on the plain wheel (see `wheel_zoom`).
    let mut map = Map::new(None, memory, home).double_click_to_zoom(true).zoom_with_ctrl(true).panning(false);
    if let Some(t) = tiles {
        map = map.with_layer(t, opacity);
    }
    if box_mode {
        map = map.drag_pan_buttons(egui::DragPanButtons::empty());
    }
    map = map.with_plugin(BasemapPlugin {
        base: &app.base,
        geometry: &app.base_geometry,
        layers: app.settings.basemap_layers,
        style,
        fill_opacity: if has_tiles { 0.25 } else { 1.0 },
        labels: &labels,
    });
    if let Some(dem) = app.terrain.dem.clone().filter(|_| app.settings.overlays.hillshade) {
        map = map.with_plugin(crate::map::hillshade::HillshadePlugin {
            dem,
            cache: &mut state.hillshade,
            opacity: app.settings.overlays.hillshade_opacity,
        });
    }
    map = map
        .with_plugin(LayersPlugin {
            layers: &app.layers,
            rasters: &mut state.layer_rasters,
            highlight: app.layer_pick_index(),
            style,
            labels: &labels,
        })
        .with_plugin(PlanOverlay {
            plan: &app.plan,
            segment_lines: &app.derived.segment_lines,
            selected: &selected,
            violations: &app.derived.violations.targets,
            km_marker: app.km_marker,
            place_marker: app.place_marker.as_ref(),
            hover: app.hover.as_ref(),
            until: app.timeline,
            gaps,
            layers: app.settings.overlays,
            style,
            labels: &labels,
        })
        .with_plugin(LabelsPlugin { labels: &labels });
    let plan = &app.plan;
    let derived = &app.derived;
    let overlays = app.settings.overlays;
    let tool = app.tool;
    let layers = &app.layers;
    let measure = &app.measure;
    let coord_format = app.settings.coord_format;
    let profile_point = app.profile_km.map(|km| plan.border.point_at_km(km));
    let ui_state = &mut state.interaction;
    let mut measure_click = None;
    let out = map.show(ui, |ui, response, projector, _memory| {
        let sm = ProjectorMap(projector);
        let painter = ui.painter().clone();
        let mut hover = None;
        let mut cursor = None;
        if let Some(pos) = response.hover_pos() {
            let ll = sm.to_lon_lat(pos.x, pos.y);
            cursor = Some(geo::Point::new(ll[0], ll[1]));
            if overlays.outposts || overlays.segments {
                hover = derived.pick.pick(plan, &sm, pos.x, pos.y, PICK_TOLERANCE_PX).filter(|t| visible(t, overlays));
            }
        }
        // The km hovered in the border profile.
        if let Some(p) = profile_point {
            let at = projector.project(lon_lat(p.x(), p.y())).to_pos2();
            painter.circle(
                at,
                6.0,
                Color32::from_rgba_unmultiplied(255, 255, 255, 200),
                Stroke::new(2.5, Color32::BLACK),
            );
        }
        // Box selection with Shift-drag.
        if box_mode && response.drag_started() {
            ui_state.box_start_px = ui.input(|i| i.pointer.press_origin()).or(response.interact_pointer_pos());
        }
        if let (Some(start), Some(now)) =
            (ui_state.box_start_px, response.interact_pointer_pos().or(response.hover_pos()))
        {
            let r = Rect::from_two_pos(start, now);
            painter.rect(
                r,
                0.0,
                Color32::from_rgba_unmultiplied(0x3d, 0x8b, 0xff, 40),
                Stroke::new(1.5, Color32::from_rgb(0x3d, 0x8b, 0xff)),
                egui::StrokeKind::Inside,
            );
            if response.drag_stopped() || !ui.input(|i| i.pointer.primary_down()) {
                let a = sm.to_lon_lat(r.min.x, r.max.y);
                let b = sm.to_lon_lat(r.max.x, r.min.y);
                let mut targets = Vec::new();
                if overlays.segments {
                    targets.extend(derived.pick.segments_in(plan, a[0], a[1], b[0], b[1]));
                }
                if overlays.outposts {
                    targets.extend(derived.pick.outposts_in(plan, a[0], a[1], b[0], b[1]));
                }
                commands.push(Command::select(targets, SelectMode::Add));
                ui_state.box_start_px = None;
            }
        }
        // egui may run a frame in two passes; a click is acted on once (toggling twice would undo it).
        let first_pass = ui.ctx().current_pass_index() == 0;
        if response.clicked()
            && first_pass
            && let Some(pos) = response.interact_pointer_pos()
        {
            match tool {
                Tool::Measure => {
                    let ll = sm.to_lon_lat(pos.x, pos.y);
                    measure_click = Some(geo::Point::new(ll[0], ll[1]));
                }
                Tool::Select => {
                    let mode = if shift {
                        SelectMode::Add
                    } else if ctrl {
                        SelectMode::Toggle
                    } else {
                        SelectMode::Replace
                    };
                    let hit =
                        derived.pick.pick(plan, &sm, pos.x, pos.y, PICK_TOLERANCE_PX).filter(|t| visible(t, overlays));
                    match hit {
                        Some(t) => commands.push(Command::select(vec![t], mode)),
                        None => {
                            // Imported layers: show the clicked feature's properties.
                            let tol = (sm.to_lon_lat(pos.x + PICK_TOLERANCE_PX, pos.y)[0]
                                - sm.to_lon_lat(pos.x, pos.y)[0])
                                .abs();
                            let ll = sm.to_lon_lat(pos.x, pos.y);
                            let feature = layers
                                .iter()
                                .enumerate()
                                .filter(|(_, l)| l.style.visible)
                                .find_map(|(li, l)| l.hit_test(ll[0], ll[1], tol).map(|fi| (li, fi)));
                            match feature {
                                Some(f) => commands.push(SelectCommand::LayerFeature(Some(f)).into()),
                                None if mode == SelectMode::Replace => {
                                    commands.push(Command::Select(SelectCommand::Clear))
                                }
                                None => {}
                            }
                        }
                    }
                }
            }
        }
        // Right-click on the border: split, select, zoom.
        if response.secondary_clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            ui_state.context_km = derived.pick.pick_km(&sm, pos.x, pos.y, PICK_TOLERANCE_PX * 1.5);
            ui_state.context_hit = derived.pick.pick(plan, &sm, pos.x, pos.y, PICK_TOLERANCE_PX);
            let ll = sm.to_lon_lat(pos.x, pos.y);
            ui_state.context_lon_lat = Some(geo::Point::new(ll[0], ll[1]));
        }
        response.context_menu(|ui| {
            if let Some(km) = ui_state.context_km {
                ui.label(egui::RichText::new(format!("Border km {km:.1}")).strong());
                if ui.button("Split segment here").clicked() {
                    commands.push(Command::from(Edit::SplitSegment { km }));
                    ui.close();
                }
            }
            if let Some(t) = ui_state.context_hit.clone() {
                if ui.button("Select").clicked() {
                    commands.push(Command::select(vec![t.clone()], SelectMode::Replace));
                    ui.close();
                }
                if let Target::Segment(id) = &t
                    && ui.button("Merge with next segment").clicked()
                {
                    commands.push(Command::from(Edit::MergeSegmentWithNext { id: id.clone() }));
                    ui.close();
                }
            }
            if let Some(p) = ui_state.context_lon_lat {
                let text = crate::io::coords::format(p.x(), p.y(), coord_format);
                if ui.button(format!("Copy {text}")).clicked() {
                    ui.ctx().copy_text(text);
                    ui.close();
                }
                ui.menu_button("Copy position as", |ui| {
                    for f in crate::io::coords::CoordFormat::ALL {
                        let text = crate::io::coords::format(p.x(), p.y(), f);
                        if ui.button(format!("{}: {text}", f.label())).clicked() {
                            ui.ctx().copy_text(text);
                            ui.close();
                        }
                    }
                });
            }
            if ui.button("Zoom to border (F)").clicked() {
                commands.push(Command::View(ViewCommand::ZoomToBorder));
                ui.close();
            }
        });
        // Measure tool drawing.
        if tool == Tool::Measure && !measure.is_empty() {
            let mut pts: Vec<Pos2> = measure.iter().map(|p| screen(projector, p.x(), p.y())).collect();
            if let Some(c) = cursor {
                pts.push(screen(projector, c.x(), c.y()));
            }
            let stroke = Stroke::new(2.5, Color32::from_rgb(0xd6, 0x27, 0x28));
            painter.add(egui::Shape::dashed_line(&pts, stroke, 8.0, 5.0));
            let mut total = 0.0;
            let mut all: Vec<geo::Point<f64>> = measure.clone();
            if let Some(c) = cursor {
                all.push(c);
            }
            // Distances are drawn after every plugin (so above all map labels), on a halo box.
            let red = Color32::from_rgb(0xd6, 0x27, 0x28);
            for (i, w) in all.windows(2).enumerate() {
                let d = Geodesic.distance(w[0], w[1]);
                // Initial true bearing of the leg (geodesic), 0–360° clockwise from north.
                let bearing = Geodesic.bearing(w[0], w[1]).rem_euclid(360.0);
                total += d;
                let mid = (pts[i].to_vec2() + pts[i + 1].to_vec2()) / 2.0;
                halo_text(
                    &painter,
                    mid.to_pos2() + Vec2::new(0.0, -8.0),
                    Align2::CENTER_BOTTOM,
                    format!("{:.2} km · {bearing:05.1}°", d / 1000.0),
                    12.0,
                    red,
                );
            }
            for p in &pts[..measure.len()] {
                painter.circle(*p, 4.0, Color32::WHITE, stroke);
            }
            if let Some(last) = pts.last() {
                halo_text(
                    &painter,
                    *last + Vec2::new(10.0, 10.0),
                    Align2::LEFT_TOP,
                    format!("total {:.2} km", total / 1000.0),
                    13.0,
                    red,
                );
            }
        }
        // Hover tooltip for outposts and segments.
        if let (Some(t), Some(pos)) = (&hover, response.hover_pos()) {
            let text = tooltip_text(plan, t);
            let galley = painter.layout_no_wrap(text, FontId::proportional(12.5), Color32::WHITE);
            let r = Rect::from_min_size(pos + Vec2::new(14.0, 14.0), galley.size() + Vec2::splat(10.0));
            painter.rect_filled(r, 4.0, Color32::from_black_alpha(215));
            painter.galley(r.min + Vec2::splat(5.0), galley, Color32::WHITE);
        }
        (hover, cursor)
    });
    let (hover, cursor_lon_lat) = out.inner;
    if hover != app.hover || cursor_lon_lat != app.cursor {
        commands.push(ViewCommand::Pointer { hover, cursor_lon_lat }.into());
    }
    if let Some(p) = measure_click {
        commands.push(ViewCommand::AddMeasurePoint(p).into());
    }
    attribution_ui(app, ui, rect);
    legend_overlay_ui(app, ui, rect);
    commands
}

/// Text on a light box with a white outline, readable over any basemap, line or label.
fn halo_text(painter: &egui::Painter, pos: Pos2, anchor: Align2, text: String, size: f32, color: Color32) {
    let galley = painter.layout_no_wrap(text, FontId::proportional(size), color);
    let rect = anchor.anchor_size(pos, galley.size());
    painter.rect(
        rect.expand2(Vec2::new(4.0, 2.0)),
        3.0,
        Color32::from_white_alpha(230),
        Stroke::new(1.0, color),
        egui::StrokeKind::Outside,
    );
    painter.galley(rect.min, galley, color);
}

/// Wheel travel (points; a wheel notch is 40) per zoom level: two notches double the scale.
const WHEEL_POINTS_PER_ZOOM: f64 = 80.0;
/// The zoom range of the wheel, as of fitting a view.
const WHEEL_ZOOM_RANGE: (f64, f64) = (2.0, 19.0);

/// The plain mouse wheel zooms about the cursor, as in desktop GIS: the place under the cursor stays put. Walkers'
/// own plain-wheel zoom (`zoom_with_ctrl(false)`) scales with the frame time, so a slow frame zooms several
/// times as far; here a notch is always the same step. The scroll delta is left in the input, where the layers
/// see that the view is moving.
fn wheel_zoom(memory: &mut walkers::MapMemory, ui: &Ui, rect: Rect, home: walkers::Position) {
    use walkers::{MercatorProjection, Pixels, Projection};
    let (Some(cursor), dy, ctrl) =
        ui.input(|i| (i.pointer.hover_pos(), i.smooth_scroll_delta.y, i.modifiers.command || i.modifiers.ctrl))
    else {
        return;
    };
    // Ctrl+wheel reaches walkers as a zoom gesture already.
    if dy == 0.0 || ctrl || !ui.rect_contains_pointer(rect) {
        return;
    }
    let zoom = memory.zoom();
    let new_zoom = (zoom + f64::from(dy) / WHEEL_POINTS_PER_ZOOM).clamp(WHEEL_ZOOM_RANGE.0, WHEEL_ZOOM_RANGE.1);
    if new_zoom == zoom {
        return;
    }
    let proj = MercatorProjection;
    let center = proj.project(memory.detached().unwrap_or(home), zoom);
    let offset = cursor - rect.center();
    let (dx, dy) = (f64::from(offset.x), f64::from(offset.y));
    let under_cursor = proj.unproject(Pixels::new(center.x() + dx, center.y() + dy), zoom);
    let there = proj.project(under_cursor, new_zoom);
    if memory.set_zoom(new_zoom).is_ok() {
        memory.center_at(proj.unproject(Pixels::new(there.x() - dx, there.y() - dy), new_zoom));
    }
}

/// The view set by the last automatic fit, and the map area it was fitted to.
#[derive(Clone, Copy, PartialEq)]
struct AutoFit {
    rect: Rect,
    zoom: f64,
    center: Option<walkers::Position>,
}

/// Frames the whole border in the map area when asked to (first start, a plan opened). The map area can still
/// change size in the next frames (panels taking their width, the window being maximised): until the planner
/// moves the map, the border is fitted again to the new area.
fn fit_first_view(app: &App, memory: &mut MapMemory, ctx: &egui::Context, rect: Rect) {
    let id = egui::Id::unique("borderplan.map.auto_fit");
    let last: Option<AutoFit> = ctx.data(|d| d.get_temp(id));
    // A click or drag on the map is the planner taking over the view as much as a zoom: no refits after it.
    let pressed_here =
        ctx.input(|i| i.pointer.any_pressed() && i.pointer.interact_pos().is_some_and(|p| rect.contains(p)));
    let untouched = !pressed_here && last.is_some_and(|f| f.zoom == memory.zoom() && f.center == memory.detached());
    let refit = untouched && last.is_some_and(|f| f.rect != rect);
    if last.is_some() && !untouched {
        ctx.data_mut(|d| d.remove::<AutoFit>(id));
    }
    if (app.needs_fit || refit) && rect.width() > 50.0 && rect.height() > 50.0 {
        crate::map::fit::frame(memory, app.border_bounds(), rect.size(), 11.0);
        let fit = AutoFit { rect, zoom: memory.zoom(), center: memory.detached() };
        ctx.data_mut(|d| d.insert_temp(id, fit));
    }
}

fn visible(t: &Target, o: crate::prefs::OverlayLayers) -> bool {
    match t {
        Target::Segment(_) => o.segments,
        Target::Outpost(_) => o.outposts,
    }
}

/// Name, km, distance to the border and equipment count.
pub fn tooltip_text(plan: &crate::model::Plan, t: &Target) -> String {
    let n = crate::io::format::count(plan.assignments_for(t).count(), "assignment", "assignments");
    let stage = plan.target_stage(t, None).map(|s| s.to_string()).unwrap_or_else(|| "unplanned".into());
    match t {
        Target::Outpost(id) => match plan.outpost(id) {
            Some(o) => format!(
                "{}{}\nkm {:.1} · {:.1} km from the border\n{stage} · {}",
                o.name,
                if o.sample { " (sample)" } else { "" },
                o.km,
                o.distance_to_border_m / 1000.0,
                n
            ),
            None => id.clone(),
        },
        Target::Segment(id) => match plan.segments.get(id) {
            Some(s) => format!(
                "{} ({})\nkm {:.1} – {:.1} · {:.1} km\n{stage} · {}",
                s.name,
                s.id,
                s.from_km,
                s.to_km,
                s.length_km(),
                n
            ),
            None => id.clone(),
        },
    }
}

/// Walkers draws no attribution: the app must, for every raster source.
fn attribution_ui(app: &App, ui: &Ui, rect: Rect) {
    let painter = ui.painter_at(rect);
    let (r, galley) = attribution_box(app, &painter, rect);
    painter.rect_filled(r, 2.0, Color32::from_white_alpha(200));
    painter.galley(r.min + Vec2::new(4.0, 2.0), galley, Color32::from_gray(30));
}

/// The attribution's box in the map's lower right corner, and its text laid out.
fn attribution_box(app: &App, painter: &egui::Painter, rect: Rect) -> (Rect, std::sync::Arc<egui::Galley>) {
    let text = match &app.settings.basemap {
        crate::prefs::BasemapChoice::OpenStreetMap => "© OpenStreetMap contributors (tiles, border: ODbL)",
        crate::prefs::BasemapChoice::Vector => {
            "Border © OpenStreetMap contributors (ODbL) · Natural Earth · GeoNames (CC BY 4.0) · WDB II · GSHHG"
        }
        _ => "Local tiles · Border © OpenStreetMap contributors (ODbL) · Natural Earth · GeoNames (CC BY 4.0)",
    };
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(11.0), Color32::from_gray(30));
    let r = Rect::from_min_size(
        rect.right_bottom() - galley.size() - Vec2::new(10.0, 6.0),
        galley.size() + Vec2::new(8.0, 4.0),
    );
    (r, galley)
}

const LEGEND_ROWS: usize = 5;

/// The stage legend's box in the map's lower left corner.
fn legend_box(rect: Rect) -> Rect {
    let origin = rect.left_bottom() + Vec2::new(10.0, -10.0 - LEGEND_ROWS as f32 * 18.0 - 22.0);
    Rect::from_min_size(origin, Vec2::new(160.0, LEGEND_ROWS as f32 * 18.0 + 26.0))
}

/// A compact stage legend in the map's corner, so a screenshot explains itself.
fn legend_overlay_ui(app: &App, ui: &Ui, rect: Rect) {
    let painter = ui.painter_at(rect);
    let style = MapStyle { dark: app.settings.dark };
    let rows: [(&str, Color32); LEGEND_ROWS] = [
        ("Stage 2 (2026–27)", rgb(palette::STAGE2)),
        ("Stage 3 (2027–29)", rgb(palette::STAGE3)),
        ("Unplanned", rgb(palette::UNPLANNED)),
        ("Coverage gap", rgb(palette::GAP)),
        ("Rule error (hatched)", style.violation()),
    ];
    let bg = legend_box(rect);
    let origin = bg.min;
    if let Some(label) = crate::ui::terrain_panel::map_label(app) {
        let galley = painter.layout_no_wrap(label, FontId::proportional(11.5), style.text());
        let r =
            Rect::from_min_size(origin - Vec2::new(0.0, galley.size().y + 10.0), galley.size() + Vec2::new(12.0, 6.0));
        painter.rect_filled(r, 4.0, style.label_bg());
        painter.galley(r.min + Vec2::new(6.0, 3.0), galley, style.text());
    }
    painter.rect_filled(bg, 4.0, style.label_bg());
    let title = match app.timeline {
        Some(q) => format!("Delivered by {q}"),
        None => "Deployment stage".into(),
    };
    painter.text(origin + Vec2::new(8.0, 6.0), Align2::LEFT_TOP, title, FontId::proportional(12.0), style.text());
    for (i, (label, c)) in rows.iter().enumerate() {
        let y = origin.y + 26.0 + i as f32 * 18.0;
        let swatch = [Pos2::new(origin.x + 8.0, y + 6.0), Pos2::new(origin.x + 30.0, y + 6.0)];
        if i == LEGEND_ROWS - 1 {
            // The error mark as on the map: the hatch under a segment line (here unplanned grey).
            painter.extend(crate::map::overlays::hatch_shapes(&swatch, *c));
            painter.line_segment(swatch, Stroke::new(5.0, rgb(palette::UNPLANNED)));
        } else {
            painter.line_segment(swatch, Stroke::new(5.0, *c));
        }
        painter.text(Pos2::new(origin.x + 36.0, y), Align2::LEFT_TOP, *label, FontId::proportional(11.5), style.text());
    }
}
