//! Reprojection of projected data to WGS84 longitude/latitude: transverse Mercator grids (UTM zones on WGS84,
//! EPSG:326xx/327xx, and Pulkovo 1942 Gauss–Krüger, EPSG:284xx and 2492–2522 6° zones, EPSG:2523–2640 3° zones with and without the zone prefix, others by their WKT parameters, on the Krassovsky
//! ellipsoid with a seven-parameter Helmert shift to WGS84). The CRS comes from an EPSG code or from WKT (an ESRI
//! `.prj`, a GeoPackage SRS definition). Anything else is an [`UnknownCrs`]: callers warn and skip rather than
//! place data wrongly.
//!
//! The inverse projection is Krüger's series in the third flattening to order n³ (sub-millimetre within a zone).

use geo::{Coord, Geometry, MapCoords};

/// An ellipsoid: semi-major axis in metres and inverse flattening.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipsoid {
    pub a_m: f64,
    pub inv_f: f64,
}

pub const WGS84: Ellipsoid = Ellipsoid { a_m: 6_378_137.0, inv_f: 298.257_223_563 };
pub const KRASSOVSKY: Ellipsoid = Ellipsoid { a_m: 6_378_245.0, inv_f: 298.3 };

/// Pulkovo 1942 to WGS 84, position-vector seven parameters (dx, dy, dz m; rx, ry, rz arc-seconds; ds ppm):
/// the set GDAL/PROJ put in the PROJ string of EPSG:284xx grids (`gdalsrsinfo -o proj4 EPSG:28412`), used when a
/// file names Pulkovo 1942 without its own `TOWGS84`.
pub const PULKOVO_TOWGS84: [f64; 7] = [25.0, -141.0, -78.5, 0.0, 0.35, 0.736, 0.0];

/// A CRS borderplan can reproject from.
#[derive(Debug, Clone, PartialEq)]
pub struct Crs {
    name: String,
    ellipsoid: Ellipsoid,
    lon0_deg: f64,
    k0: f64,
    false_easting_m: f64,
    false_northing_m: f64,
    /// Helmert shift to WGS84 (`None`: already on WGS84).
    towgs84: Option<[f64; 7]>,
    /// Spherical ("pseudo") Mercator on the WGS84 semi-major axis (EPSG:3857, web maps) instead of transverse
    /// Mercator.
    web_mercator: bool,
}

/// A CRS that cannot be reprojected, with the name to show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the CRS {0} cannot be reprojected (borderplan knows WGS84, UTM zones on WGS84, Pulkovo 1942 Gauss–Krüger and Web Mercator)"
)]
pub struct UnknownCrs(pub String);

impl Crs {
    /// Short name for notes ("EPSG:32642 (WGS 84 / UTM zone 42N)").
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// UTM zone `zone` (1–60) on WGS84, north or south.
    #[must_use]
    pub fn utm(zone: u32, north: bool) -> Self {
        Self {
            name: format!("WGS 84 / UTM zone {zone}{}", if north { 'N' } else { 'S' }),
            ellipsoid: WGS84,
            lon0_deg: f64::from(zone) * 6.0 - 183.0,
            k0: 0.9996,
            false_easting_m: 500_000.0,
            false_northing_m: if north { 0.0 } else { 10_000_000.0 },
            towgs84: None,
            web_mercator: false,
        }
    }

    /// Pulkovo 1942 Gauss–Krüger with central meridian `lon0_deg` and false easting `false_easting_m`.
    #[must_use]
    pub fn pulkovo_gk(name: String, lon0_deg: f64, false_easting_m: f64) -> Self {
        Self {
            name,
            ellipsoid: KRASSOVSKY,
            lon0_deg,
            k0: 1.0,
            false_easting_m,
            false_northing_m: 0.0,
            towgs84: Some(PULKOVO_TOWGS84),
            web_mercator: false,
        }
    }

    /// WGS 84 / Pseudo-Mercator (EPSG:3857), the CRS of web maps.
    #[must_use]
    pub fn web_mercator() -> Self {
        Self {
            name: "EPSG:3857 (WGS 84 / Pseudo-Mercator)".to_owned(),
            ellipsoid: WGS84,
            lon0_deg: 0.0,
            k0: 1.0,
            false_easting_m: 0.0,
            false_northing_m: 0.0,
            towgs84: None,
            web_mercator: true,
        }
    }

    /// The CRS of an EPSG code: `Ok(None)` for WGS84 longitude/latitude (4326, CRS84).
    ///
    /// # Errors
    /// [`UnknownCrs`] for any other code.
    pub fn from_epsg(code: i64) -> Result<Option<Self>, UnknownCrs> {
        let name = |n: String| format!("EPSG:{code} ({n})");
        match code {
            4326 => Ok(None),
            // Pseudo-Mercator and its older aliases (Google's 900913, ESRI's 102100/102113, EPSG's 3785).
            3857 | 3785 | 900_913 | 102_100 | 102_113 => Ok(Some(Self::web_mercator())),
            32601..=32660 => {
                let zone = (code - 32600) as u32;
                let mut crs = Self::utm(zone, true);
                crs.name = name(crs.name);
                Ok(Some(crs))
            }
            32701..=32760 => {
                let zone = (code - 32700) as u32;
                let mut crs = Self::utm(zone, false);
                crs.name = name(crs.name);
                Ok(Some(crs))
            }
            // Pulkovo 1942 / Gauss-Kruger zone 2…32 (false easting with the zone prefix).
            28402..=28432 => {
                let zone = (code - 28400) as f64;
                let n = format!("Pulkovo 1942 / Gauss-Kruger zone {zone}");
                Ok(Some(Self::pulkovo_gk(name(n), zone * 6.0 - 3.0, zone * 1_000_000.0 + 500_000.0)))
            }
            // Pulkovo 1942 / Gauss-Kruger CM 9E…189E (no zone prefix).
            28462..=28492 => {
                let zone = (code - 28460) as f64;
                let cm = zone * 6.0 - 3.0;
                let n = format!("Pulkovo 1942 / Gauss-Kruger CM {cm}E");
                Ok(Some(Self::pulkovo_gk(name(n), cm, 500_000.0)))
            }
            // Pulkovo 1942 / Gauss-Kruger CM 9E…171W, the older codes of the same grids (no zone prefix).
            2492..=2522 => {
                let cm = wrap_meridian(9.0 + 6.0 * (code - 2492) as f64);
                Ok(Some(Self::pulkovo_gk(
                    name(format!("Pulkovo 1942 / Gauss-Kruger CM {}", meridian(cm))),
                    cm,
                    500_000.0,
                )))
            }
            // Pulkovo 1942 / 3-degree Gauss-Kruger zone 7…64 (2550 is another CRS): zone-prefixed false easting.
            2523..=2549 | 2551..=2581 => {
                let zone = (code - if code < 2550 { 2516 } else { 2517 }) as f64;
                let n = format!("Pulkovo 1942 / 3-degree Gauss-Kruger zone {zone}");
                Ok(Some(Self::pulkovo_gk(name(n), wrap_meridian(3.0 * zone), zone * 1_000_000.0 + 500_000.0)))
            }
            // Pulkovo 1942 / 3-degree Gauss-Kruger CM 21E…168W (2600 is another CRS): no zone prefix.
            2582..=2599 | 2601..=2640 => {
                let step = (code - if code < 2600 { 2582 } else { 2583 }) as f64;
                let cm = wrap_meridian(21.0 + 3.0 * step);
                let n = format!("Pulkovo 1942 / 3-degree Gauss-Kruger CM {}", meridian(cm));
                Ok(Some(Self::pulkovo_gk(name(n), cm, 500_000.0)))
            }
            other => Err(UnknownCrs(format!("EPSG:{other}"))),
        }
    }

    /// The CRS of a WKT definition (OGC or ESRI flavour): the top-level EPSG authority when it has one, else
    /// its transverse Mercator parameters on a WGS84 or Pulkovo 1942 datum. `Ok(None)` for geographic WGS84.
    ///
    /// # Errors
    /// [`UnknownCrs`] naming the CRS when it is anything else.
    pub fn from_wkt(wkt: &str) -> Result<Option<Self>, UnknownCrs> {
        let text = wkt.trim();
        let upper = text.to_ascii_uppercase();
        let title = quoted_after(text, 0).unwrap_or_else(|| text.chars().take(60).collect());
        let geographic = upper.starts_with("GEOGCS") || upper.starts_with("GEOGCRS") || upper.starts_with("GEODCRS");
        if geographic {
            return if upper.contains("WGS_1984") || upper.contains("WGS 84") || upper.contains("WGS84") {
                Ok(None)
            } else {
                Err(UnknownCrs(title))
            };
        }
        if !(upper.starts_with("PROJCS") || upper.starts_with("PROJCRS")) {
            return Err(UnknownCrs(title));
        }
        // The last AUTHORITY / ID of the text is the CRS's own.
        if let Some(code) = last_epsg(&upper)
            && let Ok(crs) = Self::from_epsg(code)
        {
            return Ok(crs);
        }
        if upper.contains("PSEUDO-MERCATOR")
            || upper.contains("POPULAR VISUALISATION")
            || upper.contains("MERCATOR_AUXILIARY_SPHERE")
        {
            return Ok(Some(Self::web_mercator()));
        }
        let tm = upper.contains("TRANSVERSE_MERCATOR")
            || upper.contains("TRANSVERSE MERCATOR")
            || upper.contains("GAUSS_KRUGER")
            || upper.contains("GAUSS-KRUGER");
        if !tm {
            return Err(UnknownCrs(title));
        }
        let param = |names: &[&str]| names.iter().find_map(|n| parameter(&upper, n));
        if param(&["LATITUDE_OF_ORIGIN", "LATITUDE OF NATURAL ORIGIN"]).is_some_and(|v| v != 0.0) {
            return Err(UnknownCrs(title));
        }
        let lon0 =
            param(&["CENTRAL_MERIDIAN", "LONGITUDE OF NATURAL ORIGIN"]).ok_or_else(|| UnknownCrs(title.clone()))?;
        let k0 = param(&["SCALE_FACTOR", "SCALE FACTOR AT NATURAL ORIGIN"]).unwrap_or(1.0);
        let fe = param(&["FALSE_EASTING", "FALSE EASTING"]).unwrap_or(0.0);
        let fn_ = param(&["FALSE_NORTHING", "FALSE NORTHING"]).unwrap_or(0.0);
        let (ellipsoid, towgs84) =
            if upper.contains("PULKOVO") || upper.contains("KRASOVSKY") || upper.contains("KRASSOWSKY") {
                (KRASSOVSKY, Some(towgs84(&upper).unwrap_or(PULKOVO_TOWGS84)))
            } else if upper.contains("WGS_1984") || upper.contains("WGS 84") || upper.contains("WGS84") {
                (WGS84, None)
            } else {
                return Err(UnknownCrs(title));
            };
        Ok(Some(Self {
            name: title,
            ellipsoid,
            lon0_deg: lon0,
            k0,
            false_easting_m: fe,
            false_northing_m: fn_,
            towgs84,
            web_mercator: false,
        }))
    }

    /// A GeoPackage SRS: by EPSG code when the organisation is EPSG, else by its WKT definition.
    ///
    /// # Errors
    /// [`UnknownCrs`] when neither gives a CRS borderplan can reproject; WGS84 itself is not an error but gives
    /// [`UnknownCrs`] never: callers treat srs 4326 before calling.
    pub fn from_epsg_or_wkt(organization: &str, code: i64, definition: &str) -> Result<Self, UnknownCrs> {
        let by_code =
            if organization.eq_ignore_ascii_case("epsg") { Self::from_epsg(code).ok().flatten() } else { None };
        match by_code {
            Some(crs) => Ok(crs),
            None => match Self::from_wkt(definition) {
                Ok(Some(crs)) => Ok(crs),
                _ => Err(UnknownCrs(format!("{organization}:{code}"))),
            },
        }
    }

    /// Easting/northing in metres to WGS84 (longitude, latitude) in degrees.
    #[must_use]
    pub fn to_wgs84(&self, easting_m: f64, northing_m: f64) -> (f64, f64) {
        if self.web_mercator {
            let a = self.ellipsoid.a_m;
            return ((easting_m / a).to_degrees(), (northing_m / a).sinh().atan().to_degrees());
        }
        let (lon, lat) = self.inverse_tm(easting_m, northing_m);
        match self.towgs84 {
            None => (lon, lat),
            Some(p) => helmert(self.ellipsoid, WGS84, &p, lon, lat),
        }
    }

    /// WGS84 (longitude, latitude) to easting/northing: the forward direction, for tests and round trips.
    #[must_use]
    pub fn from_wgs84(&self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        if self.web_mercator {
            let a = self.ellipsoid.a_m;
            return (a * lon_deg.to_radians(), a * lat_deg.to_radians().tan().asinh());
        }
        let (lon, lat) = match self.towgs84 {
            None => (lon_deg, lat_deg),
            Some(p) => {
                let inverse = p.map(|v| -v);
                helmert(WGS84, self.ellipsoid, &inverse, lon_deg, lat_deg)
            }
        };
        self.forward_tm(lon, lat)
    }

    /// A geometry in this CRS, in WGS84.
    ///
    /// # Errors
    /// A reason when a coordinate is not finite or lands outside longitude/latitude (far outside the zone).
    pub fn to_wgs84_geometry(&self, geometry: &Geometry<f64>) -> Result<Geometry<f64>, String> {
        geometry.try_map_coords(|c| {
            let (x, y) = self.to_wgs84(c.x, c.y);
            if x.is_finite() && y.is_finite() && (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) {
                Ok(Coord { x, y })
            } else {
                Err(format!("coordinate ({}, {}) lies outside the {} grid", c.x, c.y, self.name))
            }
        })
    }

    fn series(&self) -> (f64, [f64; 3], [f64; 3], [f64; 3]) {
        let f = 1.0 / self.ellipsoid.inv_f;
        let n = f / (2.0 - f);
        let (n2, n3) = (n * n, n * n * n);
        let a = self.ellipsoid.a_m / (1.0 + n) * (1.0 + n2 / 4.0 + n2 * n2 / 64.0);
        let alpha = [n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0, 13.0 * n2 / 48.0 - 3.0 * n3 / 5.0, 61.0 * n3 / 240.0];
        let beta = [n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0, n2 / 48.0 + n3 / 15.0, 17.0 * n3 / 480.0];
        let delta = [2.0 * n - 2.0 * n2 / 3.0 - 2.0 * n3, 7.0 * n2 / 3.0 - 8.0 * n3 / 5.0, 56.0 * n3 / 15.0];
        (a, alpha, beta, delta)
    }

    fn inverse_tm(&self, e: f64, n: f64) -> (f64, f64) {
        let (a, _, beta, delta) = self.series();
        let xi = (n - self.false_northing_m) / (self.k0 * a);
        let eta = (e - self.false_easting_m) / (self.k0 * a);
        let (mut xi1, mut eta1) = (xi, eta);
        for (j, b) in beta.iter().enumerate() {
            let k = 2.0 * (j + 1) as f64;
            xi1 -= b * (k * xi).sin() * (k * eta).cosh();
            eta1 -= b * (k * xi).cos() * (k * eta).sinh();
        }
        let chi = (xi1.sin() / eta1.cosh()).asin();
        let mut lat = chi;
        for (j, d) in delta.iter().enumerate() {
            lat += d * (2.0 * (j + 1) as f64 * chi).sin();
        }
        let lon = self.lon0_deg.to_radians() + eta1.sinh().atan2(xi1.cos());
        (lon.to_degrees(), lat.to_degrees())
    }

    fn forward_tm(&self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        let (a, alpha, _, _) = self.series();
        let f = 1.0 / self.ellipsoid.inv_f;
        let n = f / (2.0 - f);
        let phi = lat_deg.to_radians();
        let dl = (lon_deg - self.lon0_deg).to_radians();
        let c = 2.0 * n.sqrt() / (1.0 + n);
        let t = (phi.sin().atanh() - c * (c * phi.sin()).atanh()).sinh();
        let xi1 = t.atan2(dl.cos());
        let eta1 = (dl.sin() / (1.0 + t * t).sqrt()).atanh();
        let (mut xi, mut eta) = (xi1, eta1);
        for (j, al) in alpha.iter().enumerate() {
            let k = 2.0 * (j + 1) as f64;
            xi += al * (k * xi1).sin() * (k * eta1).cosh();
            eta += al * (k * xi1).cos() * (k * eta1).sinh();
        }
        (self.false_easting_m + self.k0 * a * eta, self.false_northing_m + self.k0 * a * xi)
    }
}

/// A meridian in −180…180 (183 is 177 west).
fn wrap_meridian(lon_deg: f64) -> f64 {
    if lon_deg > 180.0 { lon_deg - 360.0 } else { lon_deg }
}

/// "69E" or "177W", as EPSG names central meridians.
fn meridian(lon_deg: f64) -> String {
    if lon_deg < 0.0 { format!("{}W", -lon_deg) } else { format!("{lon_deg}E") }
}

/// Geodetic (lon, lat) on `from` to `to` through earth-centred coordinates and a position-vector Helmert
/// transformation (heights taken as 0).
fn helmert(from: Ellipsoid, to: Ellipsoid, p: &[f64; 7], lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let ecef = |e: Ellipsoid, lon: f64, lat: f64| {
        let f = 1.0 / e.inv_f;
        let e2 = f * (2.0 - f);
        let (sl, cl) = lat.sin_cos();
        let nu = e.a_m / (1.0 - e2 * sl * sl).sqrt();
        [nu * cl * lon.cos(), nu * cl * lon.sin(), nu * (1.0 - e2) * sl]
    };
    let [x, y, z] = ecef(from, lon_deg.to_radians(), lat_deg.to_radians());
    let sec = std::f64::consts::PI / (180.0 * 3600.0);
    let (rx, ry, rz, s) = (p[3] * sec, p[4] * sec, p[5] * sec, 1.0 + p[6] * 1e-6);
    let x2 = p[0] + s * (x - rz * y + ry * z);
    let y2 = p[1] + s * (rz * x + y - rx * z);
    let z2 = p[2] + s * (-ry * x + rx * y + z);
    // Back to geodetic on `to` (Bowring's iteration, converged in three steps).
    let f = 1.0 / to.inv_f;
    let e2 = f * (2.0 - f);
    let lon = y2.atan2(x2);
    let pr = x2.hypot(y2);
    let mut lat = z2.atan2(pr * (1.0 - e2));
    for _ in 0..5 {
        let nu = to.a_m / (1.0 - e2 * lat.sin().powi(2)).sqrt();
        lat = (z2 + e2 * nu * lat.sin()).atan2(pr);
    }
    (lon.to_degrees(), lat.to_degrees())
}

/// The first quoted string after byte `from`.
fn quoted_after(text: &str, from: usize) -> Option<String> {
    let rest = text.get(from..)?;
    let start = rest.find('"')? + 1;
    let len = rest.get(start..)?.find('"')?;
    rest.get(start..start + len).map(str::to_owned)
}

/// The value of `PARAMETER["name", value]` in upper-cased WKT.
fn parameter(upper: &str, name: &str) -> Option<f64> {
    let at = upper.find(&format!("\"{name}\""))?;
    let rest = upper.get(at + name.len() + 2..)?;
    let rest = rest.trim_start().strip_prefix(',')?;
    let end = rest.find([',', ']'])?;
    rest.get(..end)?.trim().parse().ok()
}

/// The code of the last `AUTHORITY["EPSG","n"]` or `ID["EPSG",n]`.
fn last_epsg(upper: &str) -> Option<i64> {
    let at = upper.rfind("[\"EPSG\"")?;
    let rest = upper.get(at + 7..)?.trim_start().strip_prefix(',')?;
    let end = rest.find(']')?;
    rest.get(..end)?.trim().trim_matches('"').parse().ok()
}

/// `TOWGS84[…]` seven parameters.
fn towgs84(upper: &str) -> Option<[f64; 7]> {
    let at = upper.find("TOWGS84[")?;
    let rest = upper.get(at + 8..)?;
    let end = rest.find(']')?;
    let values: Vec<f64> = rest.get(..end)?.split(',').filter_map(|v| v.trim().parse().ok()).collect();
    let mut out = [0.0; 7];
    for (o, v) in out.iter_mut().zip(&values) {
        *o = *v;
    }
    (values.len() == 3 || values.len() == 7).then_some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn utm_and_gauss_kruger_round_trip_to_a_millimetre() {
        for code in [32642, 32742, 28412, 28472] {
            let crs = Crs::from_epsg(code).unwrap().unwrap();
            for (lon, lat) in [(69.5, 37.5), (71.9, 36.7), (66.1, 39.0)] {
                let (e, n) = crs.from_wgs84(lon, lat);
                let (lon2, lat2) = crs.to_wgs84(e, n);
                assert!((lon2 - lon).abs() < 1e-8 && (lat2 - lat).abs() < 1e-8, "{code}: {lon2} {lat2}");
            }
        }
    }

    #[test]
    fn grid_coordinates_agree_with_gdaltransform() {
        // `echo "69.5 37.5" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:… -output_xy` (GDAL 3.6, PROJ 9.1).
        for (code, e, n, tolerance_m) in
            [(32642, 544_195.183_658, 4_150_458.735_734, 0.001), (28412, 12_544_274.526_727, 4_152_181.819_732, 0.5)]
        {
            let (x, y) = Crs::from_epsg(code).unwrap().unwrap().from_wgs84(69.5, 37.5);
            assert!((x - e).abs() < tolerance_m && (y - n).abs() < tolerance_m, "{code}: {x} {y}");
        }
    }

    #[test]
    fn pulkovo_3_degree_zones_agree_with_gdaltransform() {
        // `echo "69.5 37.5" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:… -output_xy` (GDAL 3.6, PROJ 9.1):
        // zones 23 and 24 with the zone prefix, the same grids as CM 69E and 72E without it, and CM 69E by its
        // older 6° code.
        for (code, e, n) in [
            (2539, 23_544_274.526_727, 4_152_181.819_732),
            (2540, 24_278_974.918_417, 4_154_999.757_968),
            (2598, 544_274.526_727, 4_152_181.819_732),
            (2599, 278_974.918_417, 4_154_999.757_968),
            (2502, 544_274.526_727, 4_152_181.819_732),
        ] {
            let crs = Crs::from_epsg(code).unwrap().unwrap();
            let (x, y) = crs.from_wgs84(69.5, 37.5);
            assert!((x - e).abs() < 0.5 && (y - n).abs() < 0.5, "{code}: {x} {y}");
            let (lon, lat) = crs.to_wgs84(e, n);
            assert!((lon - 69.5).abs() < 1e-5 && (lat - 37.5).abs() < 1e-5, "{code}: {lon} {lat}");
        }
        assert!(Crs::from_epsg(2550).is_err() && Crs::from_epsg(2600).is_err(), "the codes between are other CRSs");
        let last = Crs::from_epsg(2640).unwrap().unwrap();
        assert!(last.name().contains("CM 168W"), "{}", last.name());
    }

    #[test]
    fn unknown_codes_and_projections_are_errors_that_name_them() {
        assert_eq!(Crs::from_epsg(3035).unwrap_err().to_string().split(' ').nth(2), Some("EPSG:3035"));
        let lcc = r#"PROJCS["Lambert thing",GEOGCS["WGS 84"],PROJECTION["Lambert_Conformal_Conic_2SP"]]"#;
        assert!(Crs::from_wkt(lcc).unwrap_err().to_string().contains("Lambert thing"));
        assert_eq!(Crs::from_wkt(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]"#), Ok(None));
    }

    #[test]
    fn web_mercator_matches_gdaltransform_and_round_trips() {
        // `echo 7656419.3 4657183.9 | gdaltransform -s_srs EPSG:3857 -t_srs EPSG:4326 -output_xy`
        for code in [3857, 900_913, 102_100] {
            let crs = Crs::from_epsg(code).unwrap().unwrap();
            let (lon, lat) = crs.to_wgs84(7_656_419.3, 4_657_183.9);
            assert!(
                (lon - 68.778_784_788_176_9).abs() < 1e-9 && (lat - 38.548_366_640_026_9).abs() < 1e-9,
                "{lon} {lat}"
            );
            let (x, y) = crs.from_wgs84(lon, lat);
            assert!((x - 7_656_419.3).abs() < 1e-6 && (y - 4_657_183.9).abs() < 1e-6, "{x} {y}");
        }
        let wkt = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]],PROJECTION["Mercator_Auxiliary_Sphere"]]"#;
        assert_eq!(Crs::from_wkt(wkt).unwrap(), Some(Crs::web_mercator()));
    }
}
