//! `valuation score` and `valuation dataset-ref`: the same core the browser runs, on local files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use valuation_core::dataset_ref::{DatasetRef, DatasetRefBuilder};
use valuation_core::score::{self, Report, ScoreOptions, SubHead, SubscoreKind};
use valuation_core::{EmbedOptions, Embedder, Precision};

use crate::model_dir;

#[derive(Args)]
pub struct ScoreArgs {
    file: PathBuf,
    /// Dataset reference (from `valuation dataset-ref`) to measure novelty against.
    #[arg(long, value_name = "REF")]
    dataset: Option<PathBuf>,
    /// What the dataset is about; one target per line. Enables the relevance sub-score.
    #[arg(long, value_name = "TEXT")]
    domain: Option<String>,
    /// Print the full report as JSON (the stable interface for other tools).
    #[arg(long)]
    json: bool,
    /// Units embedded per file.
    #[arg(long, default_value_t = 128)]
    sample_size: usize,
}

#[derive(Args)]
pub struct DatasetRefArgs {
    /// Accepted files the reference describes (every unit of each is sketched).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Start from this reference and add FILES to it: the files it was built from are not needed.
    #[arg(long, value_name = "REF")]
    append: Option<PathBuf>,
    #[arg(short, long, value_name = "REF")]
    output: PathBuf,
}

fn load(model: Option<&Path>, precision: Precision) -> Result<Embedder> {
    model_dir::load_embedder(
        model,
        EmbedOptions {
            batch_size: 8,
            ..EmbedOptions::default()
        },
        precision,
    )
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

pub fn run_score(args: &ScoreArgs, model: Option<&Path>, precision: Precision) -> Result<()> {
    let bytes = read(&args.file)?;
    let dataset = match &args.dataset {
        Some(p) => Some(DatasetRef::parse(&read(p)?).with_context(|| format!("{}", p.display()))?),
        None => None,
    };
    let options = ScoreOptions {
        domain: args.domain.clone(),
        sample_size: args.sample_size,
        ..ScoreOptions::default()
    };
    let embedder = load(model, precision)?;
    let report = score::score(&bytes, &options, &embedder, dataset.as_ref())
        .map_err(|e| anyhow::anyhow!("{} ({})", e, e.code()))?;
    if args.json {
        println!("{}", report.canonical_json());
    } else {
        print_readable(&args.file, &report);
    }
    Ok(())
}

fn line(name: &str, s: Option<SubHead<'_>>) {
    match s {
        Some(s) => {
            let worst = s.thresholds.iter().min_by_key(|t| t.score);
            let note = worst.filter(|t| t.score < 100).map_or(String::new(), |t| {
                format!("  worst: {} = {} (limit {})", t.name, t.value, t.limit)
            });
            println!("  {name:<11} {:>3}  weight {:.2}{note}", s.score, s.weight);
        }
        None => println!("  {name:<11}   -  (does not apply)"),
    }
}

fn print_readable(path: &Path, r: &Report) {
    let f = &r.file;
    println!("{}: {}/100", path.display(), r.score);
    println!(
        "  {:?}, {} bytes, {} units ({} duplicates), {} embedded, sha256 {}",
        f.kind,
        f.size,
        f.units,
        f.duplicate_units,
        f.sampled_units,
        &f.sha256[..16]
    );
    for kind in SubscoreKind::ALL {
        line(kind.name(), r.subscores.get(kind));
    }
    for reason in &r.reasons {
        println!("  - {reason}");
    }
    for flag in &r.flags {
        println!("  flag {} x{}", flag.code, flag.count);
    }
}

pub fn run_dataset_ref(
    args: &DatasetRefArgs,
    model: Option<&Path>,
    precision: Precision,
) -> Result<()> {
    let embedder = load(model, precision)?;
    let options = ScoreOptions::default();
    let mut builder = match &args.append {
        Some(p) => DatasetRefBuilder::extend(
            &DatasetRef::parse(&read(p)?).with_context(|| format!("{}", p.display()))?,
        ),
        None => DatasetRefBuilder::default(),
    };
    if let Some(m) = builder.model().filter(|m| *m != options.model_id) {
        anyhow::bail!(
            "the reference was built with {m}, this model is {}",
            options.model_id
        );
    }
    let started = std::time::Instant::now();
    for path in &args.files {
        let bytes = read(path)?;
        let analysis = score::analyze_all_units(&bytes, &options)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let units = embedder
            .embed(&analysis.sample_texts())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        builder.add_file(&analysis.file.sha256, analysis.unit_hashes.iter().copied());
        builder.add_embeddings(&options.model_id, &units);
    }
    let reference = builder.build();
    let bytes = reference.to_bytes();
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "valuation: {} files, {} accepted units ({} distinct sketches), {} unit hashes -> {} ({} bytes, {:.1} per unit; {:.1} s)",
        reference.files,
        reference.accepted_units,
        reference.sketches.len(),
        reference.unit_hash_count(),
        args.output.display(),
        bytes.len(),
        bytes.len() as f64 / reference.accepted_units.max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
