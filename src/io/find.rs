//! The place finder behind the search box and `borderplan find`: coordinates in any notation of
//! [`super::coords`], border km, the plan's outposts and segments, the bundled border crossings and the GeoNames
//! places of `data/places.tsv` by any of their names — English, Russian and Tajik Cyrillic, Dari, and the common
//! transliterations, matched through a phonetic key (Хорог, Khorog and Khorugh; Pyanj, Pyandzh, Panj and Пяндж).

use super::bundled::{self, BundledDataError};
use super::coords;
use crate::model::{Plan, Target};
use geo::Point;
use std::sync::OnceLock;

pub const PLACES_TSV: &str = include_str!("../../data/places.tsv");

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    Coordinate,
    Km,
    Outpost,
    Segment,
    Place,
    Crossing,
}

impl HitKind {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Coordinate => "Position",
            HitKind::Km => "Border km",
            HitKind::Outpost => "Outpost",
            HitKind::Segment => "Segment",
            HitKind::Place => "Place",
            HitKind::Crossing => "Crossing",
        }
    }
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub kind: HitKind,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Chainage of the border point nearest the hit, km.
    pub km: f64,
    /// How it matched or was read ("also Хорог", "MGRS"), for the list.
    #[serde(skip)]
    pub detail: String,
    /// The plan target to select, for outposts and segments.
    #[serde(skip)]
    pub target: Option<Target>,
}

/// A GeoNames place with every name it is known by.
#[derive(Debug, Clone)]
pub struct Place {
    pub name: String,
    /// ISO 3166-1 alpha-2: "TJ" or "AF".
    pub country: String,
    pub position: Point<f64>,
    pub population: u64,
    pub alternate_names: Vec<String>,
}

/// Reads `data/places.tsv`: geonameid, name, country, lon, lat, population, alternate names separated by `|`.
///
/// # Errors
/// The row and what is wrong with it.
pub fn places_from_str(file: &'static str, text: &str) -> Result<Vec<Place>, BundledDataError> {
    let bad = |line: usize, reason: &str| BundledDataError { file, reason: format!("line {line}: {reason}") };
    let mut out = Vec::new();
    for (i, row) in text.lines().enumerate().skip(1) {
        let line = i + 1;
        let cols: Vec<&str> = row.split('\t').collect();
        let [_, name, country, lon, lat, population, alternates] = cols.as_slice() else {
            return Err(bad(line, "expected 7 tab-separated columns"));
        };
        let num = |s: &str, what: &str| s.parse::<f64>().map_err(|_| bad(line, &format!("{what} {s:?} is no number")));
        out.push(Place {
            name: (*name).to_owned(),
            country: (*country).to_owned(),
            position: Point::new(num(lon, "longitude")?, num(lat, "latitude")?),
            population: population.parse().map_err(|_| bad(line, "population is no whole number"))?,
            alternate_names: alternates.split('|').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
        });
    }
    Ok(out)
}

/// A name and the keys it is matched by.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    lower: String,
    folded: String,
    skeleton: String,
}

impl Key {
    fn new(name: &str) -> Self {
        let folded = fold(name);
        Self { name: name.to_owned(), lower: name.to_lowercase(), skeleton: skeleton(&folded), folded }
    }
}

struct Entry {
    kind: HitKind,
    name: String,
    detail: String,
    position: Point<f64>,
    population: u64,
    keys: Vec<Key>,
}

struct Gazetteer {
    entries: Vec<Entry>,
}

fn gazetteer() -> Result<&'static Gazetteer, BundledDataError> {
    static CELL: OnceLock<Result<Gazetteer, BundledDataError>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut entries = Vec::new();
        for p in places_from_str("places.tsv", PLACES_TSV)? {
            let mut keys = vec![Key::new(&p.name)];
            keys.extend(p.alternate_names.iter().map(|a| Key::new(a)));
            let detail = if p.country == "TJ" { "Tajikistan" } else { "Afghanistan" };
            entries.push(Entry {
                kind: HitKind::Place,
                name: p.name,
                detail: detail.to_owned(),
                position: p.position,
                population: p.population,
                keys,
            });
        }
        for c in bundled::crossings()? {
            let keys = vec![Key::new(&c.name), Key::new(&c.label)];
            entries.push(Entry {
                kind: HitKind::Crossing,
                name: c.label,
                detail: String::new(),
                position: c.position,
                population: 0,
                keys,
            });
        }
        Ok(Gazetteer { entries })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Latin letters for Russian and Tajik Cyrillic (the usual BGN/PCGN-like spellings), lowercase.
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "gh",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' | 'ӣ' | 'і' => "i",
        'й' => "y",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ӯ' | 'ү' | 'ұ' => "u",
        'ф' => "f",
        'х' => "kh",
        'ҳ' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ҷ' => "j",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// A Latin letter without its diacritics (ā → a, š → s, ŭ → u, ğ → g).
fn plain_latin(c: char) -> Option<char> {
    const GROUPS: [(&str, char); 15] = [
        ("àáâãäåāăąǎạ", 'a'),
        ("çćĉċč", 'c'),
        ("ďḍđ", 'd'),
        ("èéêëēĕėęěẹəǝ", 'e'),
        ("ĝğġģǧ", 'g'),
        ("ĥħḥẖ", 'h'),
        ("ìíîïĩīĭįıǐị", 'i'),
        ("ķǩḳ", 'k'),
        ("ñńņňṇ", 'n'),
        ("òóôõöøōŏőǒọ", 'o'),
        ("śŝşšṣș", 's'),
        ("ţťṭț", 't'),
        ("ùúûüũūŭůűųǔụ", 'u'),
        ("ýÿŷ", 'y'),
        ("źżžẓ", 'z'),
    ];
    if c.is_ascii_alphanumeric() {
        return Some(c);
    }
    GROUPS.iter().find(|(set, _)| set.contains(c)).map(|(_, p)| *p)
}

/// The phonetic key of a name: Cyrillic transliterated, diacritics and punctuation dropped, and the spellings
/// that transliterations of one name differ by made equal (dzh/dj/zh → j, kh/x → h, gh → g, q → k, ya/yu/yo →
/// a/u/o, w → v, o → a, e/y → i, doubled letters once). Arabic script is kept as it is.
#[must_use]
pub fn fold(name: &str) -> String {
    let mut latin = String::new();
    for c in name.to_lowercase().chars() {
        if let Some(s) = cyrillic(c) {
            latin.push_str(s);
        } else if let Some(p) = plain_latin(c) {
            latin.push(p);
        } else if c.is_alphabetic() && !"ʻʼʿʾ".contains(c) {
            latin.push(c);
        }
    }
    let mut s = latin;
    for (from, to) in [
        ("dzh", "j"),
        ("dj", "j"),
        ("zh", "j"),
        ("kh", "h"),
        ("gh", "g"),
        ("ya", "a"),
        ("yu", "u"),
        ("yo", "o"),
        ("ye", "e"),
        ("x", "h"),
        ("q", "k"),
        ("w", "v"),
        ("ck", "k"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'o' => 'a',
            'e' | 'y' => 'i',
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The folded key without its vowels (Khorog and Khorugh: "hrg").
fn skeleton(folded: &str) -> String {
    folded.chars().filter(|c| !"aiu".contains(*c)).collect()
}

/// How well a query matches a key, 0 best; `None`: no match.
fn tier(q: &Key, k: &Key) -> Option<u8> {
    if k.lower == q.lower {
        Some(0)
    } else if k.lower.starts_with(&q.lower) {
        Some(1)
    } else if !q.folded.is_empty() && k.folded == q.folded {
        Some(2)
    } else if q.folded.chars().count() >= 3 && k.folded.starts_with(&q.folded) {
        Some(3)
    } else if q.lower.chars().count() >= 3 && k.lower.contains(&q.lower) {
        Some(4)
    } else if q.skeleton.chars().count() >= 3 && k.skeleton == q.skeleton {
        Some(5)
    } else {
        None
    }
}

/// Reads "km 420", "420 km", "км 420" or a bare number as a border chainage.
fn read_km(query: &str) -> Option<f64> {
    let q = query.trim().to_lowercase();
    let q = q.strip_prefix("km").or_else(|| q.strip_prefix("км")).unwrap_or(&q);
    let q = q.strip_suffix("km").or_else(|| q.strip_suffix("км")).unwrap_or(q);
    q.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Everything `query` finds in `plan` and the bundled gazetteer, best first, at most `limit`.
///
/// # Errors
/// Only when the bundled gazetteer cannot be read (a build defect, reported rather than hidden).
pub fn find(plan: &Plan, query: &str, limit: usize) -> Result<Vec<Hit>, BundledDataError> {
    let query = query.trim();
    let mut hits = Vec::new();
    if query.is_empty() {
        return Ok(hits);
    }
    let border = &plan.border;
    let km_of = |p: Point<f64>| border.chainage_km(p);
    // A reading of bare numbers lying near the border comes first (either order then is unambiguous).
    let mut readings = coords::read(query);
    readings.sort_by(|a, b| {
        let near = |r: &coords::ReadPosition| border.distance_m(Point::new(r.lon_deg, r.lat_deg)) > 300_000.0;
        near(a).cmp(&near(b))
    });
    for r in readings {
        let p = Point::new(r.lon_deg, r.lat_deg);
        hits.push(Hit {
            kind: HitKind::Coordinate,
            name: coords::format(r.lon_deg, r.lat_deg, coords::CoordFormat::Decimal),
            lon: r.lon_deg,
            lat: r.lat_deg,
            km: km_of(p),
            detail: format!("read as {}", r.notation),
            target: None,
        });
    }
    if let Some(km) = read_km(query).filter(|k| (0.0..=border.length_km()).contains(k)) {
        let p = border.point_at_km(km);
        let segment = plan.segments.segment_at_km(km).map(|s| format!("segment {}", s.name)).unwrap_or_default();
        hits.push(Hit {
            kind: HitKind::Km,
            name: format!("Border km {km:.1}"),
            lon: p.x(),
            lat: p.y(),
            km,
            detail: segment,
            target: None,
        });
    }
    let q = Key::new(query);
    // (tier, kind, how well the primary name matches, -population, hit): a place called so comes before one only
    // also called so.
    let mut named: Vec<(u8, HitKind, u8, i64, Hit)> = Vec::new();
    for o in &plan.outposts {
        let best = [Key::new(&o.name), Key::new(&o.id)].iter().filter_map(|k| tier(&q, k)).min();
        if let Some(t) = best {
            let hit = Hit {
                kind: HitKind::Outpost,
                name: format!("{} ({})", o.name, o.id),
                lon: o.position.x(),
                lat: o.position.y(),
                km: o.km,
                detail: String::new(),
                target: Some(Target::Outpost(o.id.clone())),
            };
            named.push((t, HitKind::Outpost, t, 0, hit));
        }
    }
    for s in plan.segments.segments() {
        let best = [Key::new(&s.name), Key::new(&s.id)].iter().filter_map(|k| tier(&q, k)).min();
        if let Some(t) = best {
            let mid_km = (s.from_km + s.to_km) / 2.0;
            let p = border.point_at_km(mid_km);
            let hit = Hit {
                kind: HitKind::Segment,
                name: format!("{} ({})", s.name, s.id),
                lon: p.x(),
                lat: p.y(),
                km: mid_km,
                detail: format!("km {:.1}–{:.1}", s.from_km, s.to_km),
                target: Some(Target::Segment(s.id.clone())),
            };
            named.push((t, HitKind::Segment, t, 0, hit));
        }
    }
    for e in &gazetteer()?.entries {
        let best = e.keys.iter().enumerate().filter_map(|(i, k)| tier(&q, k).map(|t| (t, i))).min();
        if let Some((t, i)) = best {
            let mut detail = e.detail.clone();
            if i > 0 {
                let also = &e.keys[i].name;
                detail = if detail.is_empty() { format!("also {also}") } else { format!("{detail}, also {also}") };
            }
            let hit = Hit {
                kind: e.kind,
                name: e.name.clone(),
                lon: e.position.x(),
                lat: e.position.y(),
                km: km_of(e.position),
                detail,
                target: None,
            };
            let primary = e.keys.first().and_then(|k| tier(&q, k)).unwrap_or(u8::MAX);
            named.push((t, e.kind, primary, -(e.population as i64), hit));
        }
    }
    named.sort_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)).then_with(|| a.4.name.cmp(&b.4.name)));
    hits.extend(named.into_iter().map(|n| n.4));
    hits.truncate(limit);
    Ok(hits)
}
