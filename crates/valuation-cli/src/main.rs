//! `valuation`: the native command line over valuation-core.

mod embed_cmd;
mod model_dir;
mod score_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "valuation",
    version,
    about = "Value data files the way the browser does, natively"
)]
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
    /// Value a file: 0–100 with sub-scores and reasons (`--json` for the full report).
    Score(score_cmd::ScoreArgs),
    /// Build a content-free reference to accepted files, for novelty checks.
    DatasetRef(score_cmd::DatasetRefArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Embed(args) => embed_cmd::run(args, cli.model.as_deref()),
        Command::Score(args) => score_cmd::run_score(args, cli.model.as_deref()),
        Command::DatasetRef(args) => score_cmd::run_dataset_ref(args, cli.model.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("valuation: {e:#}");
            ExitCode::FAILURE
        }
    }
}
