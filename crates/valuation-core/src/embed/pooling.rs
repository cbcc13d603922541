//! Pooling as sentence-transformers does it: mean over real tokens only, then unit length.
//!
//! The encoder never pads, so every row is a real token; averaging padding in (as candle's wasm
//! BERT example does) would shift every padded sentence's embedding.

/// `hidden`: `seq_len × dim` row-major hidden states of one text's tokens.
pub fn mean_l2(hidden: &[f32], dim: usize) -> Vec<f32> {
    let mut sum = vec![0f32; dim];
    let mut count = 0f32;
    for row in hidden.chunks_exact(dim) {
        count += 1.0;
        for (s, &h) in sum.iter_mut().zip(row) {
            *s += h;
        }
    }
    // sentence-transformers clamps the token count at 1e-9 and the norm at 1e-12.
    let count = count.max(1e-9);
    for s in &mut sum {
        *s /= count;
    }
    let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    for s in &mut sum {
        *s /= norm;
    }
    sum
}

/// Cosine similarity; 0 when either vector is all zeros.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        dot += x as f64 * y as f64;
        na += x as f64 * x as f64;
        nb += y as f64 * y as f64;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    (dot / (na.sqrt() * nb.sqrt())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_rows() {
        let hidden = [1.0, 0.0, 3.0, 0.0];
        assert_eq!(mean_l2(&hidden, 2), vec![1.0, 0.0]);
    }

    #[test]
    fn no_rows_gives_zero_vector_not_nan() {
        assert_eq!(mean_l2(&[], 2), vec![0.0, 0.0]);
    }

    #[test]
    fn output_has_unit_length() {
        let pooled = mean_l2(&[3.0, 4.0, 3.0, 4.0], 2);
        assert!((pooled[0] - 0.6).abs() < 1e-6 && (pooled[1] - 0.8).abs() < 1e-6);
    }

    #[test]
    fn cosine_of_zero_vector_is_zero() {
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert!((cosine(&[1.0, 1.0], &[2.0, 2.0]) - 1.0).abs() < 1e-6);
    }
}
