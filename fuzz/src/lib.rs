//! What the fuzz targets run: intake and the whole scoring pipeline on arbitrary bytes, with
//! embeddings made up from the sampled units' hashes. The real model would make each run ~1000x
//! slower and adds no code paths of ours; the made-up vectors still reach diversity, novelty and
//! relevance, including the dataset-reference paths.

use valuation_core::dataset_ref::{DatasetRef, DatasetRefBuilder};
use valuation_core::score::{self, Embedded, ModelRef, ScoreOptions};
use xxhash_rust::xxh3::xxh3_64_with_seed;

const DIMS: usize = 16;

/// The first byte picks the options; the rest is the file.
pub fn score_bytes(data: &[u8]) {
    let Some((&knobs, file)) = data.split_first() else { return };
    let options = ScoreOptions {
        sample_size: 1 + usize::from(knobs & 0x0f),
        max_bytes: 1 << 20,
        domain: (knobs & 0x10 != 0).then(|| "government and public policy\n\n  economy ".to_owned()),
        ..ScoreOptions::default()
    };
    let Ok(analysis) = score::analyze(file, &options) else { return };
    let embedded = Embedded {
        model: ModelRef { id: options.model_id.clone(), weights_sha256: "0".repeat(64), precision: valuation_core::Precision::Int8 },
        units: analysis.sample_texts().iter().map(|t| fake_embedding(t.as_bytes())).collect(),
        domain: score::domain_targets(&options).iter().map(|t| fake_embedding(t.as_bytes())).collect(),
    };
    let dataset = (knobs & 0x20 != 0).then(|| dataset_of(&analysis.file.sha256, &analysis, &embedded));
    let report = analysis.finish((knobs & 0x40 == 0).then_some(&embedded), dataset.as_ref());
    assert!(report.score <= 100, "score out of range: {}", report.score);
    serde_json::to_string(&report).expect("a report always serialises");
}

/// A dataset reference must parse or fail with an error, and round-trip once parsed.
pub fn parse_dataset_ref(data: &[u8]) {
    if let Ok(reference) = DatasetRef::parse(data) {
        let _ = reference.centroid_f32();
        let probe = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210];
        for radius in [0, 30, 128] {
            let _ = reference.has_sketch_within(&probe, radius);
        }
        // A query of any width (the center's or not) and any limit looks up without a panic.
        for width in [0, 3, reference.center.len()] {
            let unit: Vec<f32> = (0..width).map(|i| (i as f32 * 0.7).sin()).collect();
            for limit in [0.0, 0.14, 1.0, f32::NAN] {
                let _ = reference.has_match(&unit, limit);
            }
        }
        for s in reference.sketches.iter().take(8) {
            assert!(reference.has_sketch_within(s, 0), "an accepted sketch finds itself");
        }
        let again = DatasetRef::parse(&reference.to_bytes()).expect("a written reference parses");
        assert_eq!(again.sketches, reference.sketches);
        assert_eq!(again.unit_hashes, reference.unit_hashes);
    }
}

fn dataset_of(sha256: &str, analysis: &score::Analysis, embedded: &Embedded) -> DatasetRef {
    let mut builder = DatasetRefBuilder::default();
    builder.add_file(sha256, analysis.unit_hashes.iter().copied().filter(|h| h % 2 == 0));
    builder.add_embeddings(&embedded.model.id, &embedded.units);
    builder.build()
}

fn fake_embedding(bytes: &[u8]) -> Vec<f32> {
    let v: Vec<f32> = (0..DIMS as u64).map(|i| (xxh3_64_with_seed(bytes, i) % 2001) as f32 / 1000.0 - 1.0).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.into_iter().map(|x| x / norm).collect()
}
