use std::io::{BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use valuation_core::{EmbedOptions, Precision};

use crate::model_dir;

#[derive(Args)]
pub struct EmbedArgs {
    /// Text file, one sentence per line (`-` for stdin). Invalid UTF-8 is replaced by U+FFFD.
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Sentences run through the model together, grouped by token length (1 = one at a time).
    /// Texts are never padded, so larger batches only save per-call overhead.
    #[arg(long, default_value_t = 8)]
    batch_size: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON array of floats per line.
    Json,
    /// Raw little-endian float32 rows, `dim` floats per sentence, no header.
    F32,
}

/// Sentences embedded per model call from the CLI: bounds memory for huge files.
const CHUNK_LINES: usize = 4096;

pub fn run(args: &EmbedArgs, model: Option<&Path>, precision: Precision) -> Result<()> {
    let input: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.file)
                .with_context(|| format!("opening {}", args.file.display()))?,
        )
    };
    let options = EmbedOptions {
        batch_size: args.batch_size,
        ..Default::default()
    };
    let embedder = model_dir::load_embedder(model, options, precision)?;
    let mut reader = std::io::BufReader::new(input);
    let mut out = BufWriter::new(std::io::stdout().lock());
    let (mut lines, mut lossy) = (Vec::new(), 0usize);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let eof = reader
            .read_until(b'\n', &mut buf)
            .context("reading input")?
            == 0;
        if !eof {
            let line = strip_newline(&buf);
            let text = String::from_utf8_lossy(line);
            lossy += usize::from(matches!(text, std::borrow::Cow::Owned(_)));
            lines.push(text.into_owned());
        }
        if lines.len() == CHUNK_LINES || (eof && !lines.is_empty()) {
            let vectors = embedder
                .embed(&lines)
                .map_err(|e| anyhow::anyhow!("[{}] {e}", e.code()))?;
            write_vectors(&mut out, &vectors, args.format)?;
            lines.clear();
        }
        if eof {
            break;
        }
    }
    out.flush()?;
    if lossy > 0 {
        eprintln!(
            "valuation: {lossy} line(s) had invalid UTF-8, replaced by U+FFFD before embedding"
        );
    }
    Ok(())
}

fn strip_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn write_vectors(out: &mut impl Write, vectors: &[Vec<f32>], format: Format) -> Result<()> {
    for v in vectors {
        match format {
            Format::Json => {
                serde_json::to_writer(&mut *out, v)?;
                out.write_all(b"\n")?;
            }
            Format::F32 => {
                for x in v {
                    out.write_all(&x.to_le_bytes())?;
                }
            }
        }
    }
    Ok(())
}
