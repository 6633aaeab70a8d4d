//! The one-pass reader: the whole document parsed on one thread from its top, read again with marked numbers
//! when serde_json refused a number beyond the `f64` range, errors turned into plain words.

use serde::de::DeserializeSeed;

use super::ImportOptions;
use super::builder::Ctx;
use super::error::{ImportError, json_error};
use super::numbers::{is_number_out_of_range, patch_overflowing_numbers};
use super::top_level::TopSeed;
use crate::io::layer::Layer;

/// Why a parse pass stopped.
pub(super) enum ParseFailure {
    /// Not JSON (or an error raised by a visitor without a fatal error recorded).
    Json(serde_json::Error),
    /// Not GeoJSON, or cancelled.
    Fatal(ImportError),
}

/// Parses the document `body` into `ctx`.
pub(super) fn parse(body: &[u8], ctx: &mut Ctx<'_>) -> Result<(), ParseFailure> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = TopSeed { ctx: &mut *ctx }.deserialize(&mut de).and_then(|()| de.end());
    if let Some(fatal) = ctx.fatal.take() {
        return Err(ParseFailure::Fatal(fatal));
    }
    result.map_err(ParseFailure::Json)
}

/// Reads `bytes` (a UTF-8 BOM skipped) into a layer called `name`.
pub(super) fn read(name: &str, bytes: &[u8], opts: &ImportOptions) -> Result<Layer, ImportError> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let body = bytes.get(bom..).unwrap_or_default();
    let mut ctx = Ctx::new(bytes, opts);
    if ctx.cancel_requested() {
        return Err(ImportError::Cancelled);
    }
    let first = parse(body, &mut ctx);
    let outcome = match first {
        Err(ParseFailure::Json(e)) if is_number_out_of_range(&e) => {
            // serde_json refuses numbers beyond the f64 range (1e400). Re-read a copy in which such numbers are
            // marked strings, so only the features using them are skipped.
            match patch_overflowing_numbers(body) {
                Some(patched) => {
                    ctx.restart(&patched);
                    ctx.out.stats.warnings.push(
                        "numbers beyond the 64-bit float range were found; features using them as coordinates are \
                         skipped, in properties they are kept as text"
                            .to_owned(),
                    );
                    parse(&patched, &mut ctx)
                }
                None => Err(ParseFailure::Json(e)),
            }
        }
        other => other,
    };
    match outcome {
        Ok(()) => {}
        Err(ParseFailure::Fatal(e)) => return Err(e),
        Err(ParseFailure::Json(e)) => return Err(json_error(&e, body)),
    }
    if let Some(progress) = opts.progress {
        progress(bytes.len() as u64);
    }
    Ok(ctx.out.finish(name, bytes.len() as u64))
}
