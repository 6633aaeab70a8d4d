//! Zip archives that hold a layer: shapefiles (every `.shp` with its `.dbf`/`.prj`/`.cpg`) and KMZ. Entries are
//! read with a size cap, so a zip bomb is an error, not an exhausted memory.

use std::io::Read;
use std::path::Path;

use super::FormatError;

/// The largest entry read, in bytes.
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// The entries of a zip file: (name, bytes) for every file entry whose name passes `wanted`.
///
/// # Errors
/// [`FormatError::Invalid`] when the archive or an entry cannot be read, or an entry is larger than 1 GiB.
pub fn entries(
    path: &Path,
    format: &'static str,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, FormatError> {
    let invalid = |reason: String| FormatError::Invalid { path: path.to_path_buf(), format, reason };
    let file = std::fs::File::open(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| invalid(format!("not a readable zip archive: {e}")))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| invalid(format!("zip entry {i}: {e}")))?;
        let name = entry.name().map_err(|e| invalid(format!("zip entry {i}: {e}")))?.into_owned();
        if entry.is_dir() || !wanted(&name) {
            continue;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| invalid(format!("zip entry “{name}”: {e}")))?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Err(invalid(format!("zip entry “{name}” is larger than 1 GiB")));
        }
        out.push((name, bytes));
    }
    Ok(out)
}

fn lower_ext(name: &str) -> String {
    Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase()
}

/// Every shapefile in the zip at `path`, one layer each.
///
/// # Errors
/// As [`entries`]; [`FormatError::Invalid`] when the zip holds no `.shp`.
pub fn shapefiles(path: &Path) -> Result<Vec<crate::io::layer::Layer>, FormatError> {
    let files = entries(path, "zipped Shapefile", |n| matches!(lower_ext(n).as_str(), "shp" | "dbf" | "prj" | "cpg"))?;
    let stem_of = |n: &str| n.get(..n.len().saturating_sub(4)).unwrap_or(n).to_ascii_lowercase();
    let mut layers = Vec::new();
    for (name, shp) in files.iter().filter(|(n, _)| lower_ext(n) == "shp") {
        let stem = stem_of(name);
        let sibling =
            |ext: &str| files.iter().find(|(n, _)| stem_of(n) == stem && lower_ext(n) == ext).map(|(_, b)| b.clone());
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        let parts = super::shapefile::Parts {
            shp: shp.clone(),
            dbf: sibling("dbf"),
            prj: sibling("prj").map(text),
            cpg: sibling("cpg").map(text),
        };
        let layer_name = Path::new(name).file_stem().map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
        layers.push(super::shapefile::read_parts(path, &layer_name, &parts)?);
    }
    if layers.is_empty() {
        return Err(FormatError::Invalid {
            path: path.to_path_buf(),
            format: "zip",
            reason: "the archive holds no .shp (nor a KML)".to_owned(),
        });
    }
    Ok(layers)
}
