//! The plan loader must answer any bytes with a plan or an error, never a panic. A plan it accepts must save
//! and load again to the same plan (the round trip the app relies on).

#![no_main]

use borderplan::io::plan_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = plan_file::load_bytes(data) {
        if let Ok(text) = plan_file::to_string(&plan) {
            let again = plan_file::load_str(&text);
            assert!(again.is_ok(), "a loaded plan saves to a file that loads: {:?}", again.err());
        }
    }
});
