//! Every fast kernel against its plain reference on odd and real shapes, bit for bit: the
//! encoder's, and the whole-file pass's SIMD loops (the PII prefilter's key-byte runs, the unit
//! normaliser). Run by the native unit tests and, through valuation-wasm's browser tests, by both
//! wasm builds in Chromium, where the SIMD paths are the ones compiled in.

use super::attention::{self, AttentionScratch};
use super::gemm_f32::{self, PackedF32};
use super::gemm_i8::{self, PackedI8};
use super::math;
use super::quantize_rows::QuantRows;

/// Shapes (m, n, k): degenerate, odd, and the encoder's own (sequence 1 and 256).
pub const SHAPES: [(usize, usize, usize); 9] = [
    (1, 1, 1),
    (7, 13, 5),
    (6, 40, 33),
    (5, 9, 17),
    (1, 384, 384),
    (7, 13, 384),
    (256, 1152, 384),
    (9, 1536, 384),
    (256, 384, 1536),
];

/// Deterministic values in (-1, 1).
pub fn lcg(seed: usize) -> impl FnMut() -> f32 {
    let mut s = (seed as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

pub fn gemm_f32(m: usize, n: usize, k: usize) -> Result<(), String> {
    let mut next = lcg(m * 1000 + n * 10 + k);
    let x: Vec<f32> = (0..m * k).map(|_| next()).collect();
    let w: Vec<f32> = (0..n * k).map(|_| next()).collect();
    let b: Vec<f32> = (0..n).map(|_| next()).collect();
    let mut y = vec![f32::NAN; m * n];
    PackedF32::new(&w, &b, n, k).forward(&x, m, &mut y);
    if same_bits(&y, &gemm_f32::reference(&x, &w, &b, m, n, k)) {
        Ok(())
    } else {
        Err(format!("gemm_f32 {m}x{n}x{k} differs from its reference"))
    }
}

pub fn gemm_i8(m: usize, n: usize, k: usize, qmax: u8) -> Result<(), String> {
    let mut next = lcg(m * 7919 + n * 31 + k);
    let x: Vec<f32> = (0..m * k).map(|_| next() * 4.0).collect();
    let w: Vec<i8> = (0..n * k).map(|_| (next() * 127.0) as i8).collect();
    let scales: Vec<f32> = (0..n).map(|_| next().abs() / 64.0).collect();
    let bias: Vec<f32> = (0..n).map(|_| next()).collect();
    let mut q = QuantRows::default();
    q.quantize(&x, m, k, qmax);
    let mut y = vec![f32::NAN; m * n];
    PackedI8::new(&w, &scales, &bias, n, k).forward(&q, &mut y);
    if same_bits(&y, &gemm_i8::reference(&q, k, &w, &scales, &bias, n)) {
        Ok(())
    } else {
        Err(format!(
            "gemm_i8 {m}x{n}x{k} (activations 0..={qmax}) differs from its reference"
        ))
    }
}

/// Attention on the GEMM kernel against its plain definition: sequence 1, odd lengths and
/// heads, and the encoder's own shape (12 heads of 32) at sequence 256; one scratch for all, as
/// the encoder reuses it.
pub fn attention() -> Result<(), String> {
    let mut scratch = AttentionScratch::default();
    for (len, hidden, heads) in [
        (1, 384, 12),
        (7, 15, 3),
        (13, 384, 12),
        (3, 1, 1),
        (256, 384, 12),
        (2, 384, 12),
    ] {
        let mut next = lcg(len * 131 + hidden);
        let qkv: Vec<f32> = (0..len * 3 * hidden).map(|_| next() * 3.0).collect();
        let mut ctx = vec![f32::NAN; len * hidden];
        attention::attend(&qkv, &mut ctx, len, hidden, heads, &mut scratch);
        if !same_bits(&ctx, &attention::reference(&qkv, len, hidden, heads)) {
            return Err(format!(
                "attention (sequence {len}, {heads} heads of {}) differs from its reference",
                hidden / heads
            ));
        }
    }
    Ok(())
}

/// gelu_slice (SIMD in wasm) against the scalar gelu over a sweep that crosses every branch.
pub fn gelu() -> Result<(), String> {
    let mut xs: Vec<f32> = (-2000..=2000).map(|i| i as f32 * 0.01).collect();
    xs.extend([
        -200.0,
        -130.0,
        -13.2,
        13.2,
        130.0,
        200.0,
        0.0,
        -0.0,
        1e-30,
        -1e-30,
        f32::MAX,
        f32::MIN,
    ]);
    let want: Vec<f32> = xs.iter().map(|&x| math::gelu(x)).collect();
    math::gelu_slice(&mut xs);
    if same_bits(&xs, &want) {
        Ok(())
    } else {
        Err("gelu_slice differs from gelu".into())
    }
}

/// softmax_scaled (SIMD max and exp in wasm) against its one-element-at-a-time reference on odd
/// lengths, rows whose maximum is a zero of either sign, and rows with a NaN or an infinity: the
/// same bits, or NaN where the reference has NaN.
pub fn softmax() -> Result<(), String> {
    let mut rows: Vec<Vec<f32>> = [1, 3, 4, 7, 13, 128, 257]
        .iter()
        .map(|&len| {
            let mut next = lcg(len);
            (0..len).map(|_| next() * 40.0).collect()
        })
        .collect();
    rows.push(vec![-0.0, -3.0, 0.0, -1.0, -0.0, -2.0]);
    rows.push(vec![-1.0, 0.0, -0.0, -5.0, -0.5]);
    rows.push(vec![-0.0; 9]);
    rows.push(vec![1.0, f32::NAN, 2.0, 0.5, 3.0, -1.0]);
    rows.push(vec![f32::NAN; 5]);
    rows.push(vec![f32::NEG_INFINITY, -1.0, 2.0, f32::NEG_INFINITY, 0.0]);
    rows.push(vec![f32::NEG_INFINITY; 6]);
    rows.push(vec![1.0, f32::INFINITY, -3.0, 4.0, 5.0]);
    for row in rows {
        let (mut fast, mut want) = (row.clone(), row.clone());
        math::softmax_scaled(&mut fast, 0.176_776_7);
        math::softmax_scaled_reference(&mut want, 0.176_776_7);
        let same = fast
            .iter()
            .zip(&want)
            .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        if !same {
            return Err(format!(
                "softmax_scaled differs from its reference on {row:?}"
            ));
        }
    }
    Ok(())
}

/// Row quantisation (SIMD in wasm) against its scalar reference, NaN and infinities included.
pub fn quantize() -> Result<(), String> {
    for (len, seed) in [(1, 1), (3, 2), (17, 3), (384, 4), (1536, 5)] {
        let mut next = lcg(seed);
        let mut row: Vec<f32> = (0..len).map(|_| next() * 3.0 + 0.4).collect();
        for special in [(len / 2, f32::NAN), (len / 3, -0.0)] {
            row[special.0] = special.1;
        }
        for (variant, qmax) in [
            (row.clone(), 255),
            (row.iter().map(|v| v.abs()).collect(), 127),
            (vec![-2.5; len], 127),
        ] {
            let mut out = vec![0u8; len];
            let (scale, zero) = super::quantize_rows::quantize_row(&variant, &mut out, qmax);
            if (out, scale.to_bits(), zero) != {
                let (q, s, z) = super::quantize_rows::reference(&variant, qmax);
                (q, s.to_bits(), z)
            } {
                return Err(format!(
                    "quantize_row differs from its reference (length {len})"
                ));
            }
        }
    }
    Ok(())
}

/// Every check; the first failure.
pub fn all() -> Result<(), String> {
    let chosen = gemm_i8::relaxed_dot();
    for (m, n, k) in SHAPES {
        gemm_f32(m, n, k)?;
        gemm_i8(m, n, k, 255)?;
        // Both forms of the relaxed build's dot (one form elsewhere: the same path twice).
        for form in [gemm_i8::RelaxedDot::Fused, gemm_i8::RelaxedDot::Split] {
            gemm_i8::set_relaxed_dot(form);
            let result = gemm_i8(m, n, k, 127);
            gemm_i8::set_relaxed_dot(chosen);
            result.map_err(|e| format!("{e} ({form:?} dot)"))?;
        }
    }
    quantize()?;
    softmax()?;
    attention()?;
    gelu()?;
    crate::pii::check_key_runs()?;
    crate::hash::check_xxh3()?;
    crate::intake::rows::check_line_fields()?;
    crate::units::check_normalizer()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kernel_matches_its_reference() {
        super::all().unwrap();
    }
}
