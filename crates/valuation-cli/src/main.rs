//! `valuation`: the native command line over valuation-core.

mod embed_cmd;
mod model_dir;
mod score_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use valuation_core::Precision;

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
    /// Encoder precision. Default: int8 for `score` and `dataset-ref` (as the browser and Node
    /// do, so reports agree), f32 for `embed` (sentence-transformers' vectors).
    #[arg(long, global = true, value_enum)]
    precision: Option<PrecisionArg>,
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
    /// Write the int8 weights file (model.int8.safetensors) for the model folder's f32 weights;
    /// the same bytes every run. Host it beside config.json and tokenizer.json.
    Quantize {
        /// Where to write it. Default: into the model folder.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PrecisionArg {
    F32,
    Int8,
}

impl PrecisionArg {
    fn or(arg: Option<Self>, default: Precision) -> Precision {
        match arg {
            None => default,
            Some(PrecisionArg::F32) => Precision::F32,
            Some(PrecisionArg::Int8) => Precision::Int8,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Embed(args) => embed_cmd::run(
            args,
            cli.model.as_deref(),
            PrecisionArg::or(cli.precision, Precision::F32),
        ),
        Command::Score(args) => score_cmd::run_score(
            args,
            cli.model.as_deref(),
            PrecisionArg::or(cli.precision, Precision::Int8),
        ),
        Command::DatasetRef(args) => score_cmd::run_dataset_ref(
            args,
            cli.model.as_deref(),
            PrecisionArg::or(cli.precision, Precision::Int8),
        ),
        Command::Quantize { output } => {
            model_dir::run_quantize(cli.model.as_deref(), output.as_deref())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("valuation: {e:#}");
            ExitCode::FAILURE
        }
    }
}
