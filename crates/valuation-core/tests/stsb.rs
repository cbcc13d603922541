//! STS Benchmark test split: Spearman of our cosines against human gold scores.

mod common;

use valuation_core::embed::cosine;
use valuation_core::Precision;

const PUBLISHED_SPEARMAN: f64 = 0.82032;

/// Ranks with ties sharing their average rank, as scipy's spearmanr does.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    ranks
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va.sqrt() * vb.sqrt())
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&ranks(a), &ranks(b))
}

#[test]
fn spearman_ranks_ties_like_scipy() {
    assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
    assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
}

#[test]
fn sts_benchmark_test_split_matches_published_spearman() {
    let path = common::shared_dir().join("fixtures/stsbenchmark/sts-test.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let (mut gold, mut left, mut right) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.is_empty()) {
        // Columns 5–7 by tab; extra trailing columns exist and quotes are literal.
        let cols: Vec<&str> = line.split('\t').collect();
        gold.push(cols[4].parse::<f64>().unwrap());
        left.push(cols[5].to_owned());
        right.push(cols[6].to_owned());
    }
    assert_eq!(gold.len(), 1379, "STS-B test split has 1379 pairs");
    // f32 reproduces the published figure; int8 must stay within 0.005 of it.
    for (precision, tolerance) in [(Precision::F32, 0.003), (Precision::Int8, 0.005)] {
        let embedder = common::embedder_of(precision, 16);
        let (a, b) = (
            embedder.embed(&left).unwrap(),
            embedder.embed(&right).unwrap(),
        );
        let cosines: Vec<f64> = a.iter().zip(&b).map(|(x, y)| cosine(x, y) as f64).collect();
        let rho = spearman(&cosines, &gold);
        println!("STS-B test Spearman, {precision:?}: {rho:.5} (published {PUBLISHED_SPEARMAN})");
        assert!(
            (rho - PUBLISHED_SPEARMAN).abs() <= tolerance,
            "{precision:?}: Spearman {rho}"
        );
    }
}
