//! GeoTIFF DEMs in EPSG:4326: one band of i16, i32 or f32 (tiled or striped, uncompressed, deflate or LZW),
//! placed by ModelTiepoint and ModelPixelScale. Decoded whole when opened.

use super::{DemError, M_PER_DEG};
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::Tag;

const GEO_KEY_DIRECTORY: u16 = 34735;
const GT_MODEL_TYPE: u64 = 1024;
const GT_RASTER_TYPE: u64 = 1025;
const GEOGRAPHIC_TYPE: u64 = 2048;
const PROJECTED_CS_TYPE: u64 = 3072;

pub struct GeoTiffDem {
    width: usize,
    height: usize,
    /// Lon/lat of the centre of pixel (0, 0) and the pixel size in degrees.
    lon0: f64,
    lat0: f64,
    dlon: f64,
    dlat: f64,
    /// Row-major, NaN for no data.
    data: Vec<f32>,
}

fn err(path: &Path, message: impl Into<String>) -> DemError {
    DemError::Tiff { path: path.to_owned(), message: message.into() }
}

impl GeoTiffDem {
    pub fn open(path: &Path) -> Result<Self, DemError> {
        let file = std::fs::File::open(path).map_err(|source| DemError::Read { path: path.to_owned(), source })?;
        let mut dec = Decoder::new(std::io::BufReader::new(file)).map_err(|e| err(path, e.to_string()))?;
        let (w, h) = dec.dimensions().map_err(|e| err(path, e.to_string()))?;
        let scale = dec
            .get_tag_f64_vec(Tag::ModelPixelScaleTag)
            .map_err(|_| err(path, "it has no ModelPixelScale tag (not georeferenced)"))?;
        let tie = dec
            .get_tag_f64_vec(Tag::ModelTiepointTag)
            .map_err(|_| err(path, "it has no ModelTiepoint tag (not georeferenced)"))?;
        if scale.len() < 2 || tie.len() < 6 || !(scale[0] > 0.0 && scale[1] > 0.0) {
            return Err(err(path, "its ModelPixelScale or ModelTiepoint tag is incomplete"));
        }
        let keys = dec.get_tag_u64_vec(Tag::Unknown(GEO_KEY_DIRECTORY)).unwrap_or_default();
        let key = |id: u64| keys.chunks_exact(4).skip(1).find(|k| k[0] == id && k[1] == 0).map(|k| k[3]);
        if key(GT_MODEL_TYPE) == Some(1) || key(PROJECTED_CS_TYPE).is_some() {
            return Err(err(path, "it is in a projected coordinate system; reproject it to EPSG:4326 (lon/lat)"));
        }
        if let Some(g) = key(GEOGRAPHIC_TYPE)
            && g != 4326
            && g != 32767
        {
            return Err(err(path, format!("its geographic coordinate system is EPSG:{g}, not EPSG:4326")));
        }
        let pixel_is_point = key(GT_RASTER_TYPE) == Some(2);
        let nodata = dec
            .get_tag_ascii_string(Tag::GdalNodata)
            .ok()
            .and_then(|s| s.trim_matches(char::from(0)).trim().parse::<f64>().ok());
        let image = dec.read_image().map_err(|e| err(path, e.to_string()))?;
        let (width, height) = (w as usize, h as usize);
        let data: Vec<f32> = match image {
            DecodingResult::I16(v) => {
                v.into_iter().map(|x| if x == super::hgt::VOID { f32::NAN } else { f32::from(x) }).collect()
            }
            DecodingResult::I32(v) => v.into_iter().map(|x| x as f32).collect(),
            DecodingResult::F32(v) => v,
            DecodingResult::U16(v) => v.into_iter().map(f32::from).collect(),
            _ => return Err(err(path, "its samples are not 16/32-bit integers or 32-bit floats")),
        };
        if data.len() != width * height {
            return Err(err(
                path,
                format!("it has {} samples for {width} × {height} pixels (one band expected)", data.len()),
            ));
        }
        let data = match nodata {
            Some(nd) => data.into_iter().map(|x| if f64::from(x) == nd { f32::NAN } else { x }).collect(),
            None => data,
        };
        let (dlon, dlat) = (scale[0], scale[1]);
        // The tiepoint maps raster (i, j) to (x, y); with PixelIsArea raster (0, 0) is the corner of pixel 0.
        let half = if pixel_is_point { 0.0 } else { 0.5 };
        let lon0 = tie[3] + (half - tie[0]) * dlon;
        let lat0 = tie[4] - (half - tie[1]) * dlat;
        if !(lon0.abs() <= 360.0 && lat0.abs() <= 90.5) {
            return Err(err(path, format!("its origin ({}, {}) is not a lon/lat", tie[3], tie[4])));
        }
        Ok(Self { width, height, lon0, lat0, dlon, dlat, data })
    }

    pub fn resolution_m(&self) -> f64 {
        self.dlat * M_PER_DEG
    }

    pub fn bounds(&self) -> [f64; 4] {
        let w = self.lon0 - self.dlon / 2.0;
        let n = self.lat0 + self.dlat / 2.0;
        [w, n - self.height as f64 * self.dlat, w + self.width as f64 * self.dlon, n]
    }

    pub fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64> {
        let x = (lon - self.lon0) / self.dlon;
        let y = (self.lat0 - lat) / self.dlat;
        let (wl, hl) = ((self.width - 1) as f64, (self.height - 1) as f64);
        // Half a pixel beyond the outer centres still belongs to the image.
        if !(x >= -0.5 && y >= -0.5 && x <= wl + 0.5 && y <= hl + 0.5) || self.width < 2 || self.height < 2 {
            return None;
        }
        let (x, y) = (x.clamp(0.0, wl), y.clamp(0.0, hl));
        let (c0, r0) = (x.floor().min(wl - 1.0), y.floor().min(hl - 1.0));
        let (fx, fy) = (x - c0, y - r0);
        let (c0, r0) = (c0 as usize, r0 as usize);
        let at = |r: usize, c: usize| -> Option<f64> {
            let v = self.data[r * self.width + c];
            v.is_finite().then_some(f64::from(v))
        };
        let (a, b) = (at(r0, c0)?, at(r0, c0 + 1)?);
        let (c, d) = (at(r0 + 1, c0)?, at(r0 + 1, c0 + 1)?);
        let top = a + fx * (b - a);
        let bottom = c + fx * (d - c);
        Some(top + fy * (bottom - top))
    }
}
