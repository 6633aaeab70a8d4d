//! The HTML report's section sheets (one printed page per chainage window: map strip, assignments, gaps) and the
//! label placement on its maps, checked by parsing the report as written.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::io::bundled::example_plan;
use borderplan::io::export::{ExportFormat, export_to_string};
use borderplan::model::{Plan, Segmentation, Stage, Target, stage_coverage};
use std::collections::{BTreeMap, BTreeSet};

fn report(plan: &Plan) -> String {
    export_to_string(plan, ExportFormat::Html).unwrap()
}

/// The value of attribute `name` in the tag starting at `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let tag = &tag[..tag.find('>')?];
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name).unwrap_or_else(|| panic!("no {name} in {tag:.80}")).parse().unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Every occurrence of `open` in `text`, as the rest of the text from there.
fn starts<'a>(text: &'a str, open: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.match_indices(open).map(move |(i, _)| &text[i..])
}

struct Sheet<'a> {
    id: String,
    from: f64,
    to: f64,
    /// The raw `data-from-km` / `data-to-km` text.
    bounds_text: (String, String),
    heading: String,
    body: &'a str,
}

impl Sheet<'_> {
    fn assignment_ids(&self) -> Vec<String> {
        starts(self.body, "<tr data-assignment=").map(|t| unescape(attr(t, "data-assignment").unwrap())).collect()
    }
    fn gaps(&self) -> Vec<(f64, f64)> {
        starts(self.body, "<tr data-gap-from=").map(|t| (num(t, "data-gap-from"), num(t, "data-gap-to"))).collect()
    }
    fn svgs(&self) -> Vec<&str> {
        svgs(self.body)
    }
    /// The number before `word` in the heading ("12 assignments").
    fn heading_count(&self, word: &str) -> usize {
        let part = self.heading.split(" · ").find(|p| p.ends_with(word) || p.ends_with(&format!("{word}s"))).unwrap();
        part.split(' ').next().unwrap().parse().unwrap()
    }
}

/// The section sheets of a report, in document order.
fn sheets(html: &str) -> Vec<Sheet<'_>> {
    starts(html, "<section class=\"sheet\" id=\"sheet-")
        .filter(|t| attr(t, "data-from-km").is_some())
        .map(|t| {
            let body = &t[..t.find("</section>").expect("an unclosed sheet")];
            let h2 = &body[body.find("<h2>").unwrap()..body.find("</h2>").unwrap()];
            let heading = unescape(&h2[h2.rfind("</span>").map_or(4, |i| i + 7)..]);
            Sheet {
                id: attr(t, "id").unwrap().to_owned(),
                from: num(t, "data-from-km"),
                to: num(t, "data-to-km"),
                bounds_text: (attr(t, "data-from-km").unwrap().to_owned(), attr(t, "data-to-km").unwrap().to_owned()),
                heading,
                body,
            }
        })
        .collect()
}

fn svgs(text: &str) -> Vec<&str> {
    starts(text, "<svg").map(|t| &t[..t.find("</svg>").expect("an unclosed svg") + 6]).collect()
}

/// A label as drawn: its text, baseline position, anchor and font size.
#[derive(Debug)]
struct Label {
    text: String,
    x: f64,
    y: f64,
    anchor: String,
    size: f64,
}

/// Advance width in em after DejaVu Sans, the font this machine's browser falls back to for Helvetica/Arial
/// (Helvetica and Arial are narrower, so boxes from these widths are the larger ones).
fn em(c: char) -> f64 {
    match c {
        '0'..='9' => 0.636,
        ' ' | '.' | ',' | ':' | ';' | '\'' => 0.32,
        '-' | '(' | ')' => 0.39,
        'i' | 'j' | 'l' => 0.278,
        'f' | 't' | 'r' | 'I' | 'J' => 0.41,
        'm' => 0.974,
        'w' => 0.818,
        'M' | 'W' => 0.92,
        'a'..='z' => 0.615,
        'A'..='Z' => 0.72,
        _ => 0.62,
    }
}

impl Label {
    /// The box the glyphs cover, px [x0, y0, x1, y1].
    fn bbox(&self) -> [f64; 4] {
        let w: f64 = self.text.chars().map(em).sum::<f64>() * self.size;
        let x0 = match self.anchor.as_str() {
            "middle" => self.x - w / 2.0,
            "end" => self.x - w,
            _ => self.x,
        };
        [x0, self.y - 0.76 * self.size, x0 + w, self.y + 0.24 * self.size]
    }
}

fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The labels in `<g class="{class}" font-size="…">` of an SVG.
fn labels(svg: &str, class: &str) -> Vec<Label> {
    let open = format!("<g class=\"{class}\"");
    let Some(start) = svg.find(&open) else { return Vec::new() };
    let group = &svg[start..];
    let size = num(group, "font-size");
    let group = &group[..group.find("</g>").unwrap()];
    starts(group, "<text ")
        .map(|t| {
            let text = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            Label {
                text: unescape(text),
                x: num(t, "x"),
                y: num(t, "y"),
                anchor: attr(t, "text-anchor").unwrap_or("start").to_owned(),
                size,
            }
        })
        .collect()
}

/// The map area of an SVG (its clip rectangle): width and height, px.
fn map_area(svg: &str) -> (f64, f64) {
    let clip = &svg[svg.find("<clipPath").unwrap()..];
    let rect = &clip[clip.find("<rect").unwrap()..];
    (num(rect, "width"), num(rect, "height"))
}

/// The points of an SVG path's `d`.
fn path_points(d: &str) -> Vec<(f64, f64)> {
    let nums: Vec<f64> = d
        .split(|c: char| c == 'M' || c == 'L' || c == 'Z' || c.is_whitespace())
        .filter_map(|t| t.parse().ok())
        .collect();
    nums.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect()
}

/// A tiny XML well-formedness check: every start tag is closed in order.
fn assert_balanced(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map(|e| start + e).expect("unterminated tag");
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "tags are not nested properly");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or_default().to_owned());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

#[test]
fn every_assignment_appears_in_exactly_one_section_sheet() {
    let p = example_plan().unwrap();
    let html = report(&p);
    let sheets = sheets(&html);
    assert!(sheets.len() >= 10, "{} sheets for {:.0} km", sheets.len(), p.border.length_km());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for sh in &sheets {
        let ids = sh.assignment_ids();
        assert_eq!(sh.heading_count("assignment"), ids.len(), "heading of {}: {}", sh.id, sh.heading);
        for id in ids {
            let a = p.assignment(&id).unwrap_or_else(|| panic!("{} lists an unknown assignment {id}", sh.id));
            let (from, to) = p.target_extent_km(&a.target).unwrap();
            // Listed where its target starts; a segment lies wholly in the window.
            assert!(from >= sh.from - 1e-9 && from <= sh.to + 1e-9, "{id} at km {from} on {} ({})", sh.id, sh.heading);
            if matches!(a.target, Target::Segment(_)) {
                assert!(to <= sh.to + 1e-9, "{id}'s segment runs past {}", sh.id);
            }
            *seen.entry(id).or_default() += 1;
        }
    }
    for a in &p.assignments {
        assert_eq!(seen.get(&a.id), Some(&1), "{} is on {:?} sheets", a.id, seen.get(&a.id));
    }
    assert_eq!(seen.len(), p.assignments.len());
}

#[test]
fn section_sheets_cover_the_whole_border_without_gaps_or_overlaps() {
    let p = example_plan().unwrap();
    let html = report(&p);
    let sheets = sheets(&html);
    let length = p.border.length_km();
    assert_eq!(sheets[0].from, 0.0);
    assert!((sheets.last().unwrap().to - length).abs() < 1e-6, "ends at {} of {length}", sheets.last().unwrap().to);
    for pair in sheets.windows(2) {
        assert_eq!(pair[0].bounds_text.1, pair[1].bounds_text.0, "{} and {} do not meet", pair[0].id, pair[1].id);
    }
    let boundaries: Vec<f64> = p.segments.segments().iter().map(|s| s.from_km).collect();
    for (i, sh) in sheets.iter().enumerate() {
        assert_eq!(sh.id, format!("sheet-{}", i + 1));
        let km = sh.to - sh.from;
        assert!((50.0..=150.0).contains(&km), "{} spans {km:.1} km", sh.id);
        assert!(i == 0 || boundaries.contains(&sh.from), "{} does not start at a segment boundary", sh.id);
        assert!(sh.heading.starts_with(&format!("km {:.1}–{:.1} · segment", sh.from, sh.to)), "{}", sh.heading);
        assert_eq!(sh.svgs().len(), 1, "{} has no map strip of its own", sh.id);
    }
    // Each sheet starts a printed page, and a linked table of contents near the top lists them in order.
    assert!(html.contains("section.sheet { break-before: page;"));
    let toc = &html[html.find("<ol class=\"toc\">").unwrap()..];
    let toc = &toc[..toc.find("</ol>").unwrap()];
    let links: Vec<&str> = starts(toc, "<a href=\"#").map(|t| attr(t, "href").unwrap()).collect();
    let ids: Vec<String> = sheets.iter().map(|s| format!("#{}", s.id)).collect();
    assert_eq!(links, ids);
    assert!(html.find("<ol class=\"toc\">") < html.find("<section id=\"map\">"), "the contents are not near the top");
    // Ids stay unique with a map per sheet (clip paths, titles).
    let mut all_ids = BTreeSet::new();
    for t in starts(&html, " id=\"") {
        let id = &t[5..5 + t[5..].find('"').unwrap()];
        assert!(all_ids.insert(id.to_owned()), "id {id} occurs twice");
    }
}

#[test]
fn a_border_in_one_segment_is_cut_into_sheets_and_lost_targets_are_listed_once() {
    let mut p = example_plan().unwrap();
    p.segments = Segmentation::single(p.border.length_km());
    let html = report(&p);
    let sheets = sheets(&html);
    assert_eq!(sheets.len(), (p.border.length_km() / 100.0).ceil() as usize);
    assert!(sheets.iter().all(|s| s.to - s.from <= 100.0 + 1e-9));
    assert!(sheets.iter().all(|s| s.heading.contains(" · segment SEG-001 · ")), "{}", sheets[0].heading);
    // Assignments on the segments that no longer exist (all but SEG-001) are listed once, after the sheets.
    let on_sheets: Vec<String> = sheets.iter().flat_map(|s| s.assignment_ids()).collect();
    let lost = &html[html.find("id=\"sheet-unplaced\"").expect("a list of assignments without a target")..];
    let lost: Vec<String> = starts(&lost[..lost.find("</section>").unwrap()], "<tr data-assignment=")
        .map(|t| attr(t, "data-assignment").unwrap().to_owned())
        .collect();
    for a in &p.assignments {
        let n = on_sheets.iter().chain(&lost).filter(|id| **id == a.id).count();
        assert_eq!(n, 1, "{} is listed {n} times", a.id);
        assert_eq!(lost.contains(&a.id), !p.target_exists(&a.target), "{}", a.id);
    }
}

#[test]
fn gaps_in_a_sheet_are_clipped_to_its_window() {
    let example = example_plan().unwrap();
    let mut bare = example.clone();
    bare.assignments.clear();
    for (p, name) in [(&example, "example"), (&bare, "no assignments")] {
        let gaps = stage_coverage(p, Stage::Three).gaps;
        assert!(!gaps.is_empty(), "{name}: no gaps to check");
        let html = report(p);
        let sheets = sheets(&html);
        let mut pieces = Vec::new();
        for sh in &sheets {
            let rows = sh.gaps();
            assert_eq!(sh.heading_count("gap"), rows.len(), "{name}: {}", sh.heading);
            for &(a, b) in &rows {
                assert!(sh.from - 1e-9 <= a && a < b && b <= sh.to + 1e-9, "{name}: gap {a}–{b} outside {}", sh.id);
                // The piece is the window's share of one real gap.
                let g = gaps.iter().find(|g| g.0 <= a + 1e-9 && g.1 >= b - 1e-9).expect("a piece of no gap");
                assert!((a - g.0.max(sh.from)).abs() < 1e-9 && (b - g.1.min(sh.to)).abs() < 1e-9, "{name}: {a}–{b}");
            }
            pieces.extend(rows);
        }
        // Together the pieces are the gaps, nothing more or less.
        let total: f64 = gaps.iter().map(|g| g.1 - g.0).sum();
        let shown: f64 = pieces.iter().map(|g| g.1 - g.0).sum();
        assert!((total - shown).abs() < 1e-6, "{name}: {shown} km of gaps on the sheets, {total} km in the plan");
        if std::ptr::eq(p, &bare) {
            // One gap along the whole border: every sheet shows exactly its own window.
            for sh in &sheets {
                assert_eq!(sh.gaps(), vec![(sh.from, sh.to)], "{}", sh.id);
                let whole = format!("<td class=\"nw\">0.0–{:.1}</td>", p.border.length_km());
                assert!(sh.body.contains(&whole), "{}: the whole gap is not named", sh.id);
            }
        }
    }
}

#[test]
fn outpost_labels_on_the_report_map_do_not_overlap_km_labels() {
    let p = example_plan().unwrap();
    let html = report(&p);
    let maps = svgs(&html);
    assert_eq!(maps.len(), 1 + sheets(&html).len(), "the overview map and one strip per sheet");
    let mut named = BTreeSet::new();
    for (i, svg) in maps.iter().enumerate() {
        assert_balanced(svg);
        let (w, h) = map_area(svg);
        let km = labels(svg, "tick-labels");
        let names = labels(svg, "outpost-names");
        let towns = labels(svg, "towns");
        assert!(km.len() >= 2, "map {i} has {} km labels", km.len());
        for n in &names {
            for k in &km {
                assert!(!overlap(n.bbox(), k.bbox()), "map {i}: {:?} overlaps km {:?}", n.text, k.text);
            }
        }
        let all: Vec<&Label> = km.iter().chain(&names).chain(&towns).collect();
        for (j, a) in all.iter().enumerate() {
            let b = a.bbox();
            assert!(b[0] >= 0.0 && b[2] <= w && b[1] >= 0.0 && b[3] <= h, "map {i}: {:?} leaves the map", a.text);
            for c in &all[j + 1..] {
                assert!(!overlap(b, c.bbox()), "map {i}: {:?} overlaps {:?}", a.text, c.text);
            }
        }
        if i > 0 {
            named.extend(names.iter().map(|n| n.text.clone()));
        }
    }
    // The strips, at a larger scale, name nearly every outpost.
    let total = p.outposts.len();
    assert!(named.len() * 10 >= total * 9, "{} of {total} outposts named on the sheets", named.len());
}

#[test]
fn each_sheet_map_strip_is_fitted_to_its_window() {
    let p = example_plan().unwrap();
    let html = report(&p);
    for sh in sheets(&html) {
        let svg = sh.svgs()[0];
        let (w, h) = map_area(svg);
        let border = &svg[svg.find("<path class=\"border\"").unwrap()..];
        let pts = path_points(attr(border, "d").unwrap());
        assert!(pts.len() >= 2, "{}: no border drawn", sh.id);
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in &pts {
            assert!((0.0..=w).contains(&x) && (0.0..=h).contains(&y), "{}: border point {x},{y} off the strip", sh.id);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        // Fitted: the window's stretch spans most of the strip's width or height.
        assert!(
            (x1 - x0) / w > 0.8 || (y1 - y0) / h > 0.75,
            "{}: the window fills {:.0}×{:.0} of {w}×{h} px",
            sh.id,
            x1 - x0,
            y1 - y0
        );
        // The window's ends are labelled with their chainage.
        let km = labels(svg, "tick-labels");
        for end in [sh.from, sh.to] {
            let text = format!("{:.1}", end).trim_end_matches('0').trim_end_matches('.').to_owned();
            assert!(km.iter().any(|l| l.text == text), "{}: km {text} is not labelled", sh.id);
        }
    }
}

#[test]
fn markup_in_outpost_and_segment_names_is_escaped_on_the_sheets() {
    let mut p = example_plan().unwrap();
    let target = p.assignments.iter().find(|a| matches!(a.target, Target::Outpost(_))).unwrap().target.clone();
    let i = p.outposts.iter().position(|o| o.id == target.id()).unwrap();
    p.outposts[i].name = "<b>Post</b> & \"x\"".to_owned();
    let mut segs = p.segments.segments().to_vec();
    segs[0].name = "<i>first</i>".to_owned();
    p.segments = Segmentation::from_segments(segs, p.border.length_km()).unwrap();
    let html = report(&p);
    assert!(!html.contains("<b>Post</b>") && !html.contains("<i>first</i>"));
    let sheets = sheets(&html);
    let sheet = sheets.iter().find(|s| s.from <= p.outposts[i].km && p.outposts[i].km <= s.to).unwrap();
    let escaped = "&lt;b&gt;Post&lt;/b&gt; &amp; &quot;x&quot;";
    assert!(sheet.body.contains(&format!("({escaped})</td>")), "the target cell names the outpost");
    assert!(sheet.svgs()[0].contains(escaped), "the strip names the outpost");
    assert!(sheets[0].body.contains("&lt;i&gt;first&lt;/i&gt;"));
}
