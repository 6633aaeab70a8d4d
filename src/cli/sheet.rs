//! `borderplan export PLAN -f png|pdf`: the map sheet, headless, through the same drawing code as the window.

use super::{check_output, load_plan, with_path};
use crate::io::atomic::WriteKind;
use crate::io::export::sheet::{self, Paper, SheetFormat, SheetOptions};
use std::path::Path;

/// The map-sheet options of `export`, as typed.
#[derive(Debug, Default)]
pub struct SheetArgs {
    pub paper: Option<String>,
    pub size: Option<String>,
    pub dpi: Option<f64>,
    pub bbox: Option<String>,
}

impl SheetArgs {
    pub fn any(&self) -> bool {
        self.paper.is_some() || self.size.is_some() || self.dpi.is_some() || self.bbox.is_some()
    }

    /// The sheet options these arguments ask for.
    fn options(&self) -> Result<SheetOptions, sheet::SheetError> {
        let dpi = self.dpi.unwrap_or(150.0);
        if !(36.0..=1200.0).contains(&dpi) {
            return Err(sheet::SheetError::BadDpi(dpi.to_string()));
        }
        let paper = self.paper.as_deref().map(str::parse::<Paper>).transpose()?.unwrap_or(Paper::A4);
        let mut options = SheetOptions::paper(paper, dpi);
        if let Some(size) = &self.size {
            (options.width_px, options.height_px) = sheet::parse_size(size)?;
        }
        options.bbox = self.bbox.as_deref().map(sheet::parse_bbox).transpose()?;
        Ok(options)
    }
}

pub fn export(path: &Path, format: SheetFormat, output: &Path, args: &SheetArgs, kind: WriteKind) -> u8 {
    if output.as_os_str() == "-" {
        eprintln!("borderplan: the map sheet ({format}) is binary: write it to a file with -o, not to stdout");
        return 2;
    }
    let mut options = match args.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("borderplan: {e}");
            return 2;
        }
    };
    if let Err(code) = check_output(output, kind) {
        return code;
    }
    let plan = match load_plan(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    options.plan_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    // The reference layers are compiled in; without them the sheet just lacks provinces, rivers and towns.
    let base = crate::io::bundled::base_data().ok();
    let bytes = match sheet::render(&plan, base.as_ref(), &options, format) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("borderplan: cannot draw the map sheet of {}: {e}", path.display());
            return 2;
        }
    };
    match crate::io::atomic::write_atomic(output, &bytes, kind) {
        Ok(()) => {
            eprintln!(
                "Exported {} to {} ({format}, {} × {} px at {} DPI, {} bytes)",
                path.display(),
                output.display(),
                options.width_px,
                options.height_px,
                options.dpi,
                bytes.len()
            );
            0
        }
        Err(e) => {
            eprintln!("borderplan: cannot export to {}", with_path(output, &e.to_string()));
            1
        }
    }
}
