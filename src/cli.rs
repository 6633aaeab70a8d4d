//! The command line: `borderplan [FILE…]` opens the window; subcommands run headless.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "borderplan", version, about = "Plan the equipment rollout along the Tajikistan–Afghanistan border")]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// GeoJSON layers or plan files to open in the window.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {}

pub fn run(command: CliCommand) -> ExitCode {
    match command {}
}
