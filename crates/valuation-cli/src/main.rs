//! `valuation`: the native command line over valuation-core.

mod embed_cmd;
mod model_dir;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "valuation", version, about = "Value data files the way the browser does, natively")]
struct Cli {
    /// Folder with config.json, tokenizer.json and model.safetensors. Default: $VALUATION_MODEL_DIR,
    /// else the cache that scripts/fetch-model.sh fills.
    #[arg(long, global = true, value_name = "DIR")]
    model: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Embed one sentence per line; one embedding per line out, in input order.
    Embed(embed_cmd::EmbedArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Embed(args) => embed_cmd::run(args, cli.model.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("valuation: {e:#}");
            ExitCode::FAILURE
        }
    }
}
