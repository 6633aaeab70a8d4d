//! The WKB and WKT geometry parsers (GeoPackage blobs, CSV WKT columns) on arbitrary bytes: a geometry or a
//! reason, never a panic or a huge allocation. A geometry WKB gives must write and parse back to itself.

#![no_main]

use borderplan::io::formats::{gpkg, wkb, wkt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((g, z))) = wkb::parse(data) {
        if let Some(z) = &z {
            assert_eq!(z.len(), geo::CoordsIter::coords_count(&g));
        }
        let again = wkb::parse(&wkb::write(&g));
        assert!(matches!(&again, Ok(Some((h, _))) if *h == g || format!("{h:?}").contains("NaN")), "{again:?}");
    }
    let _ = gpkg::geometry(data);
    let _ = wkt::parse(&String::from_utf8_lossy(data));
});
