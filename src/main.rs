use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    borderplan::app::mark_process_start();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fix_malloc_mmap_threshold();
    env_logger::init();
    let args = borderplan::cli::Args::parse();
    match args.command {
        Some(command) => borderplan::cli::run(command),
        None => match borderplan::window::run_window(args.files) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("borderplan: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// glibc's malloc raises its mmap threshold each time a big block is freed; from then on big vectors (import
/// blocks, coordinate lists, layer arrays) come from the heap, and what is freed stays with the process. A fixed
/// threshold keeps every block of 256 KiB or more mapped on its own and handed back when freed: about 10 % less
/// peak memory on a big import (bench/README.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_malloc_mmap_threshold() {
    // SAFETY: mallopt only sets a malloc tuning parameter; it is called first thing, before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
