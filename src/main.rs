use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    borderplan::app::mark_process_start();
    borderplan::io::room::keep_big_blocks_mapped();
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
