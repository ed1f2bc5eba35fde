//! The `tipforge` command.

use clap::{Parser, Subcommand};

/// TipForge: creator tipping on Algorand, with NFT stickers for every qualifying tip.
#[derive(Debug, Parser)]
#[command(name = "tipforge", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the version and exit.
    Version,
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Version) => {
            #[allow(clippy::print_stdout)]
            {
                println!("tipforge {}", env!("CARGO_PKG_VERSION"));
            }
        }
        None => {
            use clap::CommandFactory;
            // Printing help can only fail if stdout is closed, in which case there is no one to
            // tell.
            let _ = Cli::command().print_help();
        }
    }
}
