//! Coordinates as planners write them: decimal latitude/longitude, degrees-minutes-seconds, MGRS, UTM and Pulkovo
//! 1942 Gauss–Krüger (6° zones, easting with the zone prefix) — read from text and written back.
//!
//! The transverse Mercator arithmetic is [`Crs`]'s (Krüger series, millimetre round trips); MGRS letters follow
//! NGA's standard lettering (AA scheme for the even/odd zone row offset), without the Norway/Svalbard zone
//! exceptions, which lie far outside the border's zones 41–43.

use crate::io::reproject::Crs;

/// How a position is written for the planner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum CoordFormat {
    /// `37.49039° N 71.55337° E`
    #[default]
    Decimal,
    /// `37°29'25.4" N 71°33'12.1" E`
    Dms,
    /// `42S VF 04830 48834`
    Mgrs,
    /// `42N 548830 4148834`
    Utm,
    /// Pulkovo 1942 Gauss–Krüger: `GK zone 12 X 4151234 Y 12543210`
    PulkovoGk,
}

impl CoordFormat {
    pub const ALL: [CoordFormat; 5] =
        [CoordFormat::Decimal, CoordFormat::Dms, CoordFormat::Mgrs, CoordFormat::Utm, CoordFormat::PulkovoGk];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            CoordFormat::Decimal => "Decimal degrees",
            CoordFormat::Dms => "Degrees minutes seconds",
            CoordFormat::Mgrs => "MGRS",
            CoordFormat::Utm => "UTM (WGS 84)",
            CoordFormat::PulkovoGk => "Pulkovo 1942 Gauss–Krüger",
        }
    }
}

/// A position read from text, and how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPosition {
    pub lon_deg: f64,
    pub lat_deg: f64,
    /// The notation recognised, e.g. "MGRS" or "latitude, longitude".
    pub notation: String,
}

const BANDS: &[u8] = b"CDEFGHJKLMNPQRSTUVWX";
const ROW_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUV";
const COLUMN_SETS: [&[u8]; 3] = [b"ABCDEFGH", b"JKLMNPQR", b"STUVWXYZ"];

/// Every reading of `text` as a position, best first (empty when it is no coordinate). Two readings only when
/// bare numbers could be latitude-longitude or longitude-latitude.
#[must_use]
pub fn read(text: &str) -> Vec<ReadPosition> {
    let t = text.trim();
    if t.is_empty() {
        return Vec::new();
    }
    if let Some(p) = read_mgrs(t) {
        return vec![p];
    }
    if let Some(p) = read_utm(t) {
        return vec![p];
    }
    if let Some(p) = read_gauss_kruger(t) {
        return vec![p];
    }
    read_lat_lon(t)
}

/// UTM zone (1–60) of a longitude.
#[must_use]
pub fn utm_zone(lon_deg: f64) -> u32 {
    (((lon_deg + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1
}

/// Pulkovo 1942 Gauss–Krüger 6° zone (1–60) of a longitude east of Greenwich.
#[must_use]
pub fn gk_zone(lon_deg: f64) -> u32 {
    ((lon_deg / 6.0).floor() as i64).clamp(0, 59) as u32 + 1
}

fn gk_crs(zone: u32) -> Crs {
    let lon0 = f64::from(zone) * 6.0 - 3.0;
    let name = format!("Pulkovo 1942 / Gauss-Kruger zone {zone}");
    Crs::pulkovo_gk(name, lon0, f64::from(zone) * 1e6 + 500_000.0)
}

/// Writes a WGS84 position in `format`.
#[must_use]
pub fn format(lon_deg: f64, lat_deg: f64, format: CoordFormat) -> String {
    let ns = if lat_deg < 0.0 { 'S' } else { 'N' };
    let ew = if lon_deg < 0.0 { 'W' } else { 'E' };
    match format {
        CoordFormat::Decimal => format!("{:.5}° {ns} {:.5}° {ew}", lat_deg.abs(), lon_deg.abs()),
        CoordFormat::Dms => format!("{} {ns} {} {ew}", dms(lat_deg.abs()), dms(lon_deg.abs())),
        CoordFormat::Mgrs => mgrs(lon_deg, lat_deg, 5).unwrap_or_else(|| "outside MGRS (UTM) bands".to_owned()),
        CoordFormat::Utm => {
            let zone = utm_zone(lon_deg);
            let (e, n) = Crs::utm(zone, lat_deg >= 0.0).from_wgs84(lon_deg, lat_deg);
            format!("{zone}{ns} {:.0} {:.0}", (e + 1e-3).floor(), (n + 1e-3).floor())
        }
        CoordFormat::PulkovoGk => {
            let zone = gk_zone(lon_deg);
            let (y, x) = gk_crs(zone).from_wgs84(lon_deg, lat_deg);
            format!("GK zone {zone} X {:.0} Y {:.0}", x.round(), y.round())
        }
    }
}

fn dms(deg: f64) -> String {
    let total_tenths = (deg * 36_000.0).round() as i64;
    let (d, rest) = (total_tenths / 36_000, total_tenths % 36_000);
    let (m, s_tenths) = (rest / 600, rest % 600);
    format!("{d}°{m:02}'{:04.1}\"", s_tenths as f64 / 10.0)
}

/// MGRS reference with `digits` (0–5) per coordinate, e.g. `42S VF 04830 48834`; `None` outside 80° S–84° N.
#[must_use]
pub fn mgrs(lon_deg: f64, lat_deg: f64, digits: usize) -> Option<String> {
    if !(-80.0..=84.0).contains(&lat_deg) || !(-180.0..=180.0).contains(&lon_deg) {
        return None;
    }
    let zone = utm_zone(lon_deg);
    let band_index = (((lat_deg + 80.0) / 8.0).floor() as usize).min(BANDS.len() - 1);
    let band = BANDS[band_index] as char;
    let (e, n) = Crs::utm(zone, lat_deg >= 0.0).from_wgs84(lon_deg, lat_deg);
    let column = (e / 100_000.0).floor() as usize;
    let set = COLUMN_SETS[(zone as usize - 1) % 3];
    let col_letter = *set.get(column.checked_sub(1)?)? as char;
    let row_offset = if zone.is_multiple_of(2) { 5 } else { 0 };
    let row = ((n / 100_000.0).floor() as usize + row_offset) % 20;
    let row_letter = ROW_LETTERS[row] as char;
    let digits = digits.min(5);
    let scale = 10f64.powi(5 - digits as i32);
    // Truncated as MGRS is, after a millimetre's allowance so that a square's corner read back stays in it.
    let most = 10u64.pow(digits as u32) - 1;
    let de = (((e % 100_000.0 + 1e-3) / scale).floor() as u64).min(most);
    let dn = (((n % 100_000.0 + 1e-3) / scale).floor() as u64).min(most);
    Some(if digits == 0 {
        format!("{zone}{band} {col_letter}{row_letter}")
    } else {
        format!("{zone}{band} {col_letter}{row_letter} {de:0digits$} {dn:0digits$}")
    })
}

/// Reads an MGRS reference, with or without spaces ("42SVF0483048834", "42S VF 04830 48834"): the centre of the
/// square it names (as GeoTrans and PyPI `mgrs` give it).
fn read_mgrs(text: &str) -> Option<ReadPosition> {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let s = s.strip_prefix("MGRS").unwrap_or(&s);
    let zone_len = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&zone_len) {
        return None;
    }
    let zone: u32 = s[..zone_len].parse().ok()?;
    let rest = &s.as_bytes()[zone_len..];
    if !(1..=60).contains(&zone) || rest.len() < 3 {
        return None;
    }
    let band_index = BANDS.iter().position(|b| *b == rest[0])?;
    let set = COLUMN_SETS[(zone as usize - 1) % 3];
    let column = set.iter().position(|b| *b == rest[1])? + 1;
    let row_letter = ROW_LETTERS.iter().position(|b| *b == rest[2])?;
    let digits = &rest[3..];
    if !digits.len().is_multiple_of(2) || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let half = digits.len() / 2;
    let scale = 10f64.powi(5 - half as i32);
    let number = |d: &[u8]| -> f64 { d.iter().fold(0.0, |acc, b| acc * 10.0 + f64::from(b - b'0')) };
    let easting = column as f64 * 100_000.0 + (number(&digits[..half]) + 0.5) * scale;
    let row_offset = if zone.is_multiple_of(2) { 5 } else { 0 };
    let row = (row_letter + 20 - row_offset) % 20;
    let north = band_index >= 10;
    let crs = Crs::utm(zone, north);
    // The band's southern edge at the central meridian gives the lowest northing the square can have.
    let band_south_deg = -80.0 + 8.0 * band_index as f64;
    let (_, min_northing) = crs.from_wgs84(f64::from(zone) * 6.0 - 183.0, band_south_deg);
    let mut northing = row as f64 * 100_000.0 + (number(&digits[half..]) + 0.5) * scale;
    while northing + 100_000.0 < min_northing {
        northing += 2_000_000.0;
    }
    let (lon, lat) = crs.to_wgs84(easting, northing);
    let ok = lat.is_finite() && (band_south_deg - 0.6..=band_south_deg + 8.6 + 4.0).contains(&lat);
    ok.then(|| ReadPosition { lon_deg: lon, lat_deg: lat, notation: "MGRS".to_owned() })
}

/// Splits text into words at whitespace and commas, uppercased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .map(str::to_uppercase)
        .collect()
}

/// A metre figure, with an optional `m`, `E`/`N` or `mE`/`mN` suffix.
fn metres(word: &str) -> Option<f64> {
    let w = word.trim_end_matches(['E', 'N']).trim_end_matches('M');
    if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    w.parse().ok()
}

/// Reads UTM on WGS84: zone and band or hemisphere letter, easting, northing ("42S 548830 4148834",
/// "UTM 42N 548830E 4148834N", "42 N 548830 4148834").
fn read_utm(text: &str) -> Option<ReadPosition> {
    let mut w = words(text);
    if w.first().is_some_and(|f| f == "UTM") {
        w.remove(0);
    }
    if w.len() == 4 && w[1].len() == 1 {
        let letter = w.remove(1);
        w[0].push_str(&letter);
    }
    let [zone_word, e_word, n_word] = w.as_slice() else { return None };
    let letter = zone_word.chars().last().filter(char::is_ascii_alphabetic)?;
    let zone: u32 = zone_word[..zone_word.len() - 1].parse().ok()?;
    let (easting, northing) = (metres(e_word)?, metres(n_word)?);
    if !(1..=60).contains(&zone) || !(100_000.0..1_000_000.0).contains(&easting) || northing > 10_000_000.0 {
        return None;
    }
    // A band letter (C–X) names the hemisphere by its latitude; N and S may also be hemisphere letters. S is both
    // band S (32–40° N) and "south": the band is taken when the northing falls in it.
    let band = BANDS.iter().position(|b| *b as char == letter);
    let in_band = |north: bool| {
        let (lon, lat) = Crs::utm(zone, north).to_wgs84(easting, northing);
        band.is_some_and(|i| (-80.0 + 8.0 * i as f64 - 0.5..=-72.0 + 8.0 * i as f64 + 4.5).contains(&lat))
            .then_some((lon, lat))
    };
    let (north, how) = match (letter, band) {
        ('S', _) if in_band(true).is_some() => (true, format!("UTM zone {zone}, band S")),
        ('S', _) => (false, format!("UTM zone {zone}, southern hemisphere")),
        ('N', _) => (true, format!("UTM zone {zone}, northern hemisphere")),
        (_, Some(i)) => (i >= 10, format!("UTM zone {zone}, band {letter}")),
        _ => return None,
    };
    let (lon, lat) = Crs::utm(zone, north).to_wgs84(easting, northing);
    (lat.is_finite() && lon.is_finite()).then_some(ReadPosition { lon_deg: lon, lat_deg: lat, notation: how })
}

/// Reads Pulkovo 1942 Gauss–Krüger rectangular coordinates: a 7-digit X (northing) and an 8-digit Y (easting
/// with the two-digit zone prefix), in either order, optionally after "GK", "SK-42" or "СК-42".
fn read_gauss_kruger(text: &str) -> Option<ReadPosition> {
    let mut w = words(text);
    // "zone 12" is said by the Y figure's prefix already.
    if let Some(i) = w.iter().position(|x| x == "ZONE" || x == "ЗОНА") {
        w.drain(i..(i + 2).min(w.len()));
    }
    while w.first().is_some_and(|f| {
        let f = f.trim_end_matches(':');
        ["GK", "SK42", "SK-42", "СК42", "СК-42", "PULKOVO", "X", "Y", "Х", "У"].contains(&f)
    }) {
        w.remove(0);
    }
    w.retain(|x| !["X", "Y", "Х", "У", "X:", "Y:", "Х:", "У:"].contains(&x.as_str()));
    let [a, b] = w.as_slice() else { return None };
    let int_digits = |s: &str| s.split('.').next().map_or(0, str::len);
    let (x, y) = match (int_digits(a), int_digits(b)) {
        (7, 8) => (metres(a)?, metres(b)?),
        (8, 7) => (metres(b)?, metres(a)?),
        _ => return None,
    };
    let zone = (y / 1e6).floor() as u32;
    if !(10..=60).contains(&zone) {
        return None;
    }
    let (lon, lat) = gk_crs(zone).to_wgs84(y, x);
    (lat.is_finite() && lon.is_finite()).then_some(ReadPosition {
        lon_deg: lon,
        lat_deg: lat,
        notation: format!("Pulkovo 1942 Gauss–Krüger zone {zone}"),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64, bool),
    Hemisphere(char),
}

fn lat_lon_tokens(text: &str) -> Option<Vec<Token>> {
    let mut s = text.to_uppercase();
    for (from, to) in [("С.Ш.", " N "), ("Ю.Ш.", " S "), ("В.Д.", " E "), ("З.Д.", " W "), ("СШ", " N "), ("ВД", " E ")]
    {
        s = s.replace(from, to);
    }
    let mut tokens = Vec::new();
    let mut number = String::new();
    let flush = |number: &mut String, tokens: &mut Vec<Token>| -> Option<()> {
        if !number.is_empty() {
            let negative = number.starts_with('-');
            let v: f64 = number.trim_start_matches(['-', '+']).parse().ok()?;
            tokens.push(Token::Number(v, negative));
            number.clear();
        }
        Some(())
    };
    for c in s.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            '-' | '+' if number.is_empty() => number.push(c),
            'N' | 'S' | 'E' | 'W' => {
                flush(&mut number, &mut tokens)?;
                tokens.push(Token::Hemisphere(c));
            }
            c if c.is_whitespace() || "°º˚'′’‘\"″”“,;:/".contains(c) => flush(&mut number, &mut tokens)?,
            _ => return None,
        }
    }
    flush(&mut number, &mut tokens)?;
    Some(tokens)
}

/// Degrees from 1–3 numbers (d, d m, d m s); the sign from the first.
fn degrees(parts: &[(f64, bool)]) -> Option<f64> {
    let negative = parts.first()?.1;
    let whole = |v: f64| v.fract() == 0.0;
    let v = match parts {
        [(d, _)] => *d,
        [(d, _), (m, _)] if whole(*d) && *m < 60.0 => d + m / 60.0,
        [(d, _), (m, _), (s, _)] if whole(*d) && whole(*m) && *m < 60.0 && *s < 60.0 => d + m / 60.0 + s / 3600.0,
        _ => return None,
    };
    if parts.iter().skip(1).any(|p| p.1) {
        return None;
    }
    Some(if negative { -v } else { v })
}

/// Reads latitude and longitude: decimal degrees or degrees-minutes(-seconds), with hemisphere letters before or
/// after each (then in either order) or without (then latitude first, or longitude first when only that fits).
fn read_lat_lon(text: &str) -> Vec<ReadPosition> {
    let Some(tokens) = lat_lon_tokens(text) else { return Vec::new() };
    let letters: Vec<char> =
        tokens.iter().filter_map(|t| if let Token::Hemisphere(c) = t { Some(*c) } else { None }).collect();
    let numbers: Vec<(f64, bool)> =
        tokens.iter().filter_map(|t| if let Token::Number(v, n) = t { Some((*v, *n)) } else { None }).collect();
    let dms = numbers.len() > 2;
    let notation = |order: &str| format!("{}{order}", if dms { "degrees-minutes-seconds, " } else { "" });
    let valid = |lat: f64, lon: f64| (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
    if letters.is_empty() {
        if !numbers.len().is_multiple_of(2) || !(2..=6).contains(&numbers.len()) {
            return Vec::new();
        }
        let (Some(a), Some(b)) = (degrees(&numbers[..numbers.len() / 2]), degrees(&numbers[numbers.len() / 2..]))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if valid(a, b) {
            out.push(ReadPosition { lon_deg: b, lat_deg: a, notation: notation("latitude, longitude") });
        }
        if valid(b, a) && a != b {
            out.push(ReadPosition { lon_deg: a, lat_deg: b, notation: notation("longitude, latitude") });
        }
        return out;
    }
    // With letters: two groups, each a hemisphere letter with its numbers (letters all before or all after).
    if letters.len() != 2 || tokens.iter().any(|t| matches!(t, Token::Number(_, true))) {
        return Vec::new();
    }
    let prefix = matches!(tokens.first(), Some(Token::Hemisphere(_)));
    let mut groups: Vec<(char, Vec<(f64, bool)>)> = Vec::new();
    let mut pending: Vec<(f64, bool)> = Vec::new();
    for t in &tokens {
        match (t, prefix) {
            (Token::Hemisphere(c), true) => groups.push((*c, Vec::new())),
            (Token::Hemisphere(c), false) => groups.push((*c, std::mem::take(&mut pending))),
            (Token::Number(v, n), true) => match groups.last_mut() {
                Some(g) => g.1.push((*v, *n)),
                None => return Vec::new(),
            },
            (Token::Number(v, n), false) => pending.push((*v, *n)),
        }
    }
    if !pending.is_empty() || groups.len() != 2 {
        return Vec::new();
    }
    let (mut lat, mut lon) = (None, None);
    for (c, parts) in &groups {
        let Some(v) = degrees(parts) else { return Vec::new() };
        match c {
            'N' => lat = lat.xor(Some(v)),
            'S' => lat = lat.xor(Some(-v)),
            'E' => lon = lon.xor(Some(v)),
            _ => lon = lon.xor(Some(-v)),
        }
    }
    match (lat, lon) {
        (Some(lat), Some(lon)) if valid(lat, lon) => {
            let order = if matches!(groups[0].0, 'N' | 'S') { "latitude, longitude" } else { "longitude, latitude" };
            vec![ReadPosition { lon_deg: lon, lat_deg: lat, notation: notation(order) }]
        }
        _ => Vec::new(),
    }
}
