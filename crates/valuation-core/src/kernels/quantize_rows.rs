//! Run-time quantisation of activations, one scale and zero point per row (asymmetric), to
//! 8 bits (0..=255) or 7 bits (0..=127).
//!
//! 7 bits is what lets wasm's `i32x4.relaxed_dot_i8x16_i7x16_add_s` run deterministically: its
//! second operand reads the same on every CPU only in 0..=127 (x86 lowers it to `pmaddubsw` or
//! `vpdpbusd`, which take it as unsigned; Arm's `sdot` as signed). 8 bits is what accuracy needs
//! where the input has outliers: on the 1000-sentence fixtures, 7-bit activations everywhere give
//! a min cosine of 0.9917 against sentence-transformers, 8 bits everywhere 0.9976, 8 bits only
//! into q/k/v (the layer-norm output) and 7 bits elsewhere 0.9953. The int8 weights file names
//! the width of each layer's input (`encoder/tensors.rs`).

/// Rows of `k` values stored as u8 in rows of `kp` bytes (`k` rounded up to [`K_BLOCK`]; the
/// padding is zero and meets zero weights).
#[derive(Default)]
pub struct QuantRows {
    pub m: usize,
    /// 255 or 127: the largest value in `data`.
    pub qmax: u8,
    pub kp: usize,
    pub data: Vec<u8>,
    /// `data` widened to i16, in the builds whose kernel multiplies 16-bit pairs
    /// (`i32x4.dot_i16x8_s`, `pmaddwd`): widening each row once here, instead of each 8 bytes once per weight
    /// panel inside the kernel, made the simd128 GEMM about 1.5× faster in V8.
    pub wide: Vec<i16>,
    pub scale: Vec<f32>,
    pub zero: Vec<i32>,
}

pub const K_BLOCK: usize = 16;
pub const U7_MAX: u8 = 127;

impl QuantRows {
    /// Quantises `x` (`m × k` row-major) into self, reusing its buffers.
    pub fn quantize(&mut self, x: &[f32], m: usize, k: usize, qmax: u8) {
        let kp = k.div_ceil(K_BLOCK) * K_BLOCK;
        self.m = m;
        self.kp = kp;
        self.qmax = qmax;
        self.data.clear();
        self.data.resize(m * kp, 0);
        self.scale.clear();
        self.zero.clear();
        for (row, out) in x
            .chunks_exact(k.max(1))
            .take(m)
            .zip(self.data.chunks_exact_mut(kp))
        {
            let (scale, zero) = quantize_row(row, &mut out[..k], qmax);
            self.scale.push(scale);
            self.zero.push(zero);
        }
        self.wide.clear();
        if needs_wide(qmax) {
            self.wide.extend(self.data.iter().map(|&v| v as i16));
        }
    }
}

/// Whether the int8 kernel of this build reads [`QuantRows::wide`] for activations up to `qmax`:
/// the simd128 and SSE2 ones do; the relaxed-SIMD one reads the bytes when they are 7-bit.
pub const fn needs_wide(qmax: u8) -> bool {
    cfg!(target_arch = "x86_64")
        || (cfg!(all(target_arch = "wasm32", target_feature = "simd128"))
            && !(cfg!(feature = "relaxed-simd") && qmax <= U7_MAX))
}

/// One row: the range always includes 0 (an all-zero row stays exact); returns (scale, zero)
/// with `x ≈ scale · (q − zero)`.
#[inline]
pub fn quantize_row(row: &[f32], out: &mut [u8], qmax: u8) -> (f32, i32) {
    let q_max = qmax as f32;
    let (lo, hi) = range(row);
    let range = hi - lo;
    if range.is_nan() || range <= 0.0 || range.is_infinite() {
        out.fill(0);
        return (if range.is_finite() { 1.0 } else { 0.0 }, 0);
    }
    let inv = q_max / range;
    let zero = (-lo * inv + 0.5).floor().clamp(0.0, q_max);
    let bias = zero + 0.5;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (row, out) = {
        let whole = row.len() / 16 * 16;
        // SAFETY: 16 in and 16 out per step, within `whole` ≤ both lengths.
        unsafe { quantize16(&row[..whole], &mut out[..whole], inv, bias, q_max) };
        (&row[whole..], &mut out[whole..])
    };
    for (o, &v) in out.iter_mut().zip(row) {
        *o = to_u8(v, inv, bias, q_max);
    }
    (range / q_max, zero as i32)
}

/// The plain definition, for tests: one value at a time, min and max by a scalar scan.
pub fn reference(row: &[f32], qmax: u8) -> (Vec<u8>, f32, i32) {
    let q_max = qmax as f32;
    let lo = row.iter().fold(0f32, |a, &v| if v < a { v } else { a });
    let hi = row.iter().fold(0f32, |a, &v| if v > a { v } else { a });
    let range = hi - lo;
    if range.is_nan() || range <= 0.0 || range.is_infinite() {
        return (
            vec![0; row.len()],
            if range.is_finite() { 1.0 } else { 0.0 },
            0,
        );
    }
    let inv = q_max / range;
    let zero = (-lo * inv + 0.5).floor().clamp(0.0, q_max);
    (
        row.iter()
            .map(|&v| to_u8(v, inv, zero + 0.5, q_max))
            .collect(),
        range / q_max,
        zero as i32,
    )
}

/// `round(v·inv + zero)` clamped to 0..=qmax; `as u8` saturates and sends NaN to 0.
#[inline(always)]
fn to_u8(v: f32, inv: f32, bias: f32, q_max: f32) -> u8 {
    (v * inv + bias).floor().clamp(0.0, q_max) as u8
}

/// (min, max) of the row and 0; NaN is skipped (it compares false both ways).
fn range(row: &[f32]) -> (f32, f32) {
    let (mut lo, mut hi) = (0f32, 0f32);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let row = {
        use core::arch::wasm32::*;
        let (mut vlo, mut vhi) = (f32x4_splat(0.0), f32x4_splat(0.0));
        let chunks = row.chunks_exact(4);
        let rest = chunks.remainder();
        for c in chunks {
            // SAFETY: c is 4 f32s.
            let v = unsafe { v128_load(c.as_ptr() as *const v128) };
            // pmin(a, b) = b < a ? b : a: a NaN lane of v never replaces the running value.
            vlo = f32x4_pmin(vlo, v);
            vhi = f32x4_pmax(vhi, v);
        }
        for l in [
            f32x4_extract_lane::<0>,
            f32x4_extract_lane::<1>,
            f32x4_extract_lane::<2>,
            f32x4_extract_lane::<3>,
        ] {
            let (a, b) = (l(vlo), l(vhi));
            if a < lo {
                lo = a;
            }
            if b > hi {
                hi = b;
            }
        }
        rest
    };
    for &v in row {
        if v < lo {
            lo = v;
        }
        if v > hi {
            hi = v;
        }
    }
    (lo, hi)
}

/// [`to_u8`] on 16 values at a time, the same operations lane by lane.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn quantize16(row: &[f32], out: &mut [u8], inv: f32, bias: f32, q_max: f32) {
    use core::arch::wasm32::*;
    let (vinv, vbias) = (f32x4_splat(inv), f32x4_splat(bias));
    let (zero, max) = (f32x4_splat(0.0), f32x4_splat(q_max));
    let q = |p: *const f32| {
        let v = f32x4_floor(f32x4_add(
            f32x4_mul(v128_load(p as *const v128), vinv),
            vbias,
        ));
        // pmax(a, b) = a < b ? b : a keeps a NaN lane NaN, and trunc_sat sends it to 0, as `as u8`.
        i32x4_trunc_sat_f32x4(f32x4_pmin(f32x4_pmax(v, zero), max))
    };
    for (src, dst) in row.chunks_exact(16).zip(out.chunks_exact_mut(16)) {
        let p = src.as_ptr();
        let lo = i16x8_narrow_i32x4(q(p), q(p.add(4)));
        let hi = i16x8_narrow_i32x4(q(p.add(8)), q(p.add(12)));
        v128_store(dst.as_mut_ptr() as *mut v128, u8x16_narrow_i16x8(lo, hi));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U8_MAX: u8 = 255;

    #[test]
    fn values_come_back_within_half_a_step() {
        let row: Vec<f32> = (0..37)
            .map(|i| (i as f32 * 0.37).sin() * 3.0 - 0.5)
            .collect();
        let mut q = vec![0u8; row.len()];
        let (scale, zero) = quantize_row(&row, &mut q, U8_MAX);
        for (&v, &qi) in row.iter().zip(&q) {
            let back = scale * (qi as i32 - zero) as f32;
            assert!((back - v).abs() <= scale * 0.5 + 1e-6, "{v} -> {back}");
        }
    }

    #[test]
    fn degenerate_rows_are_defined() {
        let mut q = [9u8; 3];
        assert_eq!(quantize_row(&[0.0; 3], &mut q, U8_MAX), (1.0, 0));
        assert_eq!(q, [0; 3]);
        let (scale, zero) = quantize_row(&[f32::NAN, 2.0, f32::INFINITY], &mut q, U7_MAX);
        assert_eq!((scale, zero, q), (0.0, 0, [0; 3]));
        let (scale, zero) = quantize_row(&[-2.0, -2.0], &mut q[..2], U7_MAX);
        assert_eq!(scale * (q[0] as i32 - zero) as f32, -2.0);
    }
}
