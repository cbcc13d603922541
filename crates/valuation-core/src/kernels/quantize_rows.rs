//! Run-time quantisation of activations, one scale and zero point per row, to u8 (asymmetric).
//!
//! Why 8 bits and not the 7 that would let wasm's `i32x4.relaxed_dot_i8x16_i7x16_add_s` run
//! deterministically (its second operand is only defined the same on every CPU in 0..=127):
//! on the 1000-sentence fixtures, 7-bit activations gave a min cosine of 0.9917 against
//! sentence-transformers and 7-bit weights 0.9933; 8 bits for both give 0.9976.

/// Rows of `k` values stored as u8 in rows of `kp` bytes (`k` rounded up to [`K_BLOCK`]; the
/// padding is zero and meets zero weights).
#[derive(Default)]
pub struct QuantRows {
    pub m: usize,
    pub kp: usize,
    pub data: Vec<u8>,
    pub scale: Vec<f32>,
    pub zero: Vec<i32>,
}

pub const K_BLOCK: usize = 16;
pub const Q_MAX: f32 = 255.0;

impl QuantRows {
    /// Quantises `x` (`m × k` row-major) into self, reusing its buffers.
    pub fn quantize(&mut self, x: &[f32], m: usize, k: usize) {
        let kp = k.div_ceil(K_BLOCK) * K_BLOCK;
        self.m = m;
        self.kp = kp;
        self.data.clear();
        self.data.resize(m * kp, 0);
        self.scale.clear();
        self.zero.clear();
        for (row, out) in x.chunks_exact(k.max(1)).take(m).zip(self.data.chunks_exact_mut(kp)) {
            let (scale, zero) = quantize_row(row, &mut out[..k]);
            self.scale.push(scale);
            self.zero.push(zero);
        }
    }
}

/// One row: the range always includes 0 (an all-zero row stays exact); returns (scale, zero)
/// with `x ≈ scale · (q − zero)`.
#[inline]
pub fn quantize_row(row: &[f32], out: &mut [u8]) -> (f32, i32) {
    let (mut lo, mut hi) = (0f32, 0f32);
    for &v in row {
        // NaN compares false both ways and is skipped.
        if v < lo {
            lo = v;
        }
        if v > hi {
            hi = v;
        }
    }
    let range = hi - lo;
    if !(range > 0.0) || !range.is_finite() {
        out.fill(0);
        return (if range.is_finite() { 1.0 } else { 0.0 }, 0);
    }
    let inv = Q_MAX / range;
    let zero = (-lo * inv + 0.5).floor().clamp(0.0, Q_MAX);
    for (o, &v) in out.iter_mut().zip(row) {
        // `as u8` saturates (NaN → 0); the clamp keeps rounding at the ends inside 0..=255.
        *o = (v * inv + zero + 0.5).floor().clamp(0.0, Q_MAX) as u8;
    }
    (range / Q_MAX, zero as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_within_half_a_step() {
        let row: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin() * 3.0 - 0.5).collect();
        let mut q = vec![0u8; row.len()];
        let (scale, zero) = quantize_row(&row, &mut q);
                for (&v, &qi) in row.iter().zip(&q) {
            let back = scale * (qi as i32 - zero) as f32;
            assert!((back - v).abs() <= scale * 0.5 + 1e-6, "{v} -> {back}");
        }
    }

    #[test]
    fn degenerate_rows_are_defined() {
        let mut q = [9u8; 3];
        assert_eq!(quantize_row(&[0.0; 3], &mut q), (1.0, 0));
        assert_eq!(q, [0; 3]);
        let (scale, zero) = quantize_row(&[f32::NAN, 2.0, f32::INFINITY], &mut q);
        assert_eq!((scale, zero, q), (0.0, 0, [0; 3]));
        let (scale, zero) = quantize_row(&[-2.0, -2.0], &mut q[..2]);
        assert_eq!(scale * (q[0] as i32 - zero) as f32, -2.0);
    }
}
