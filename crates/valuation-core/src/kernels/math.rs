//! Element-wise maths of the encoder with the same bits on every platform.
//!
//! `f32::exp` is the platform's libm natively and a Rust port of musl's in wasm; they may differ
//! in the last bit. These use only +, −, ×, ÷, floor and sqrt, which IEEE 754 defines exactly.

const LOG2E: f32 = std::f32::consts::LOG2_E;
// ln 2 split so that n·LN2_HI is exact for |n| ≤ 128 (Cody–Waite). The digits are the exact
// values of the split, written out in full on purpose.
#[allow(clippy::excessive_precision)]
const LN2_HI: f32 = 0.693_145_751_953_125;
#[allow(clippy::excessive_precision)]
const LN2_LO: f32 = 1.428_606_765_330_187e-6;

/// e^x, within 2 ulp of the exact value; 0 below −87, +∞ above 88.7, NaN stays NaN.
#[inline]
pub fn exp(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    if x < EXP_LO {
        return 0.0;
    }
    if x > EXP_HI {
        return f32::INFINITY;
    }
    let n = (x * LOG2E + 0.5).floor();
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = exp_poly(r);
    // n is in −125..=128 here; 2^n in two halves so n = 128 does not overflow the exponent.
    let n = n as i32;
    let half = n >> 1;
    p * pow2(half) * pow2(n - half)
}

const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.7;

/// e^r for |r| ≤ 0.35: Taylor to r^7 (truncation below 2e-8 relative), Horner form.
#[inline(always)]
fn exp_poly(r: f32) -> f32 {
    let p = 1.0 / 5040.0;
    let p = p * r + 1.0 / 720.0;
    let p = p * r + 1.0 / 120.0;
    let p = p * r + 1.0 / 24.0;
    let p = p * r + 1.0 / 6.0;
    let p = p * r + 0.5;
    let p = p * r + 1.0;
    p * r + 1.0
}

#[inline]
fn pow2(n: i32) -> f32 {
    f32::from_bits(((n + 127) as u32) << 23)
}

// erf(x) ≈ x·P(x²)/Q(x²) on [−4, 4] (erf(±4) is ±1 to f32 precision): the rational
// approximation of Eigen's and XLA's fast erf, coefficients from there. It replaced
// Abramowitz & Stegun 7.1.26 (a division and an exp per value), which made GELU 13 % of the int8
// encoder's time; this one is 11 multiply-adds and one division, half the instructions.
#[allow(clippy::excessive_precision)]
const ERF_P: [f32; 7] = [
    -1.609_603_332_624_15e-2,
    -2.954_599_808_540_25e-3,
    -7.349_906_303_268_55e-4,
    -5.692_506_394_623_46e-5,
    -2.101_024_020_825_08e-6,
    2.770_681_424_959_02e-8,
    -2.726_142_258_013_06e-10,
];
#[allow(clippy::excessive_precision)]
const ERF_Q: [f32; 5] = [
    -1.426_473_905_141_89e-2,
    -7.373_329_167_204_68e-3,
    -1.682_826_974_382_03e-3,
    -2.133_740_552_789_05e-4,
    -1.456_607_184_649_96e-5,
];
const ERF_CLAMP: f32 = 4.0;

/// erf(x), absolute error ≤ 5e-7 (≈ 1.2e-6 in GELU, a few ulp of its output).
#[inline]
pub fn erf(x: f32) -> f32 {
    // The clamps in the order and form of wasm's pmax/pmin, so NaN passes through both.
    let x = if x < -ERF_CLAMP { -ERF_CLAMP } else { x };
    let x = if ERF_CLAMP < x { ERF_CLAMP } else { x };
    let x2 = x * x;
    let mut p = ERF_P[6] * x2 + ERF_P[5];
    for c in [ERF_P[4], ERF_P[3], ERF_P[2], ERF_P[1], ERF_P[0]] {
        p = p * x2 + c;
    }
    let mut q = ERF_Q[4] * x2 + ERF_Q[3];
    for c in [ERF_Q[2], ERF_Q[1], ERF_Q[0]] {
        q = q * x2 + c;
    }
    (x * p) / q
}

/// BERT's GELU, the exact (erf) form: x · Φ(x).
#[inline]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// [`gelu`] over a slice, four lanes at a time in wasm with the same operations in the same
/// order, so the same bits as the scalar function.
pub fn gelu_slice(xs: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let xs = {
        let mut chunks = xs.chunks_exact_mut(4);
        for c in &mut chunks {
            // SAFETY: c is 4 f32s; unaligned v128 loads and stores are allowed in wasm.
            unsafe {
                use core::arch::wasm32::*;
                let p = c.as_mut_ptr() as *mut v128;
                v128_store(p, gelu4(v128_load(p)));
            }
        }
        chunks.into_remainder()
    };
    for x in xs {
        *x = gelu(*x);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn gelu4(x: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    let s = f32x4_splat;
    let t = f32x4_mul(x, s(std::f32::consts::FRAC_1_SQRT_2));
    let t = f32x4_pmin(f32x4_pmax(t, s(-ERF_CLAMP)), s(ERF_CLAMP));
    let t2 = f32x4_mul(t, t);
    let mut p = f32x4_add(f32x4_mul(s(ERF_P[6]), t2), s(ERF_P[5]));
    for c in [ERF_P[4], ERF_P[3], ERF_P[2], ERF_P[1], ERF_P[0]] {
        p = f32x4_add(f32x4_mul(p, t2), s(c));
    }
    let mut q = f32x4_add(f32x4_mul(s(ERF_Q[4]), t2), s(ERF_Q[3]));
    for c in [ERF_Q[2], ERF_Q[1], ERF_Q[0]] {
        q = f32x4_add(f32x4_mul(q, t2), s(c));
    }
    let erf = f32x4_div(f32x4_mul(t, p), q);
    f32x4_mul(f32x4_mul(s(0.5), x), f32x4_add(s(1.0), erf))
}

/// [`exp`] on four lanes: the same formula on the clamped argument, then the same out-of-range
/// answers chosen by mask.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn exp4(x: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    let s = f32x4_splat;
    let xc = f32x4_pmin(f32x4_pmax(x, s(EXP_LO)), s(EXP_HI));
    let n = f32x4_floor(f32x4_add(f32x4_mul(xc, s(LOG2E)), s(0.5)));
    let r = f32x4_sub(
        f32x4_sub(xc, f32x4_mul(n, s(LN2_HI))),
        f32x4_mul(n, s(LN2_LO)),
    );
    let mut p = s(1.0 / 5040.0);
    for c in [
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = f32x4_add(f32x4_mul(p, r), s(c));
    }
    let ni = i32x4_trunc_sat_f32x4(n);
    let half = i32x4_shr(ni, 1);
    let pow = |e: v128| i32x4_shl(i32x4_add(e, i32x4_splat(127)), 23);
    let v = f32x4_mul(f32x4_mul(p, pow(half)), pow(i32x4_sub(ni, half)));
    let v = v128_bitselect(s(0.0), v, f32x4_lt(x, s(EXP_LO)));
    let v = v128_bitselect(s(f32::INFINITY), v, f32x4_gt(x, s(EXP_HI)));
    // NaN in, NaN out (the clamp above would have replaced it).
    v128_bitselect(x, v, f32x4_ne(x, x))
}

/// Σ x in a fixed order: four interleaved lanes, then (l0+l1)+(l2+l3).
#[inline]
pub fn sum(x: &[f32]) -> f32 {
    let mut lanes = [0f32; 4];
    let c = x.chunks_exact(4);
    let r = c.remainder();
    for v in c {
        for l in 0..4 {
            lanes[l] += v[l];
        }
    }
    for (l, v) in r.iter().enumerate() {
        lanes[l] += v;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The largest element of a row by compare-and-select, four lanes at a time (`f32x4.pmax` in
/// wasm); `-∞` for an empty row. `f32::max` runs as a call to `fmaxf` in wasm (its NaN rule has no
/// instruction there), once per attention score: 3 % of a unit's time. The two differ only in
/// which zero they return and whether a NaN is skipped, and neither shows in [`softmax_scaled`]:
/// `v − (+0)` and `v − (−0)` are both `v` (or a zero, whose exp is 1), and a NaN anywhere in a
/// row makes the whole row NaN through the sum either way.
pub fn max(x: &[f32]) -> f32 {
    let c = x.chunks_exact(4);
    let r = c.remainder();
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let lanes = {
        use core::arch::wasm32::*;
        let mut m = f32x4_splat(f32::NEG_INFINITY);
        for v in c {
            // SAFETY: v is 4 f32s; unaligned v128 loads are allowed in wasm.
            m = f32x4_pmax(m, unsafe { v128_load(v.as_ptr() as *const v128) });
        }
        [
            f32x4_extract_lane::<0>(m),
            f32x4_extract_lane::<1>(m),
            f32x4_extract_lane::<2>(m),
            f32x4_extract_lane::<3>(m),
        ]
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let lanes = {
        let mut lanes = [f32::NEG_INFINITY; 4];
        for v in c {
            for l in 0..4 {
                lanes[l] = if lanes[l] < v[l] { v[l] } else { lanes[l] };
            }
        }
        lanes
    };
    let pick = |a: f32, b: f32| if a < b { b } else { a };
    let lanes_max = lanes.into_iter().fold(f32::NEG_INFINITY, pick);
    r.iter().fold(lanes_max, |a, &b| pick(a, b))
}

/// `x ← LayerNorm(x + add)` over one row (BERT's residual + post-norm), in place.
pub fn add_layer_norm(x: &mut [f32], add: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
    for (v, a) in x.iter_mut().zip(add) {
        *v += a;
    }
    layer_norm(x, gamma, beta, eps);
}

/// `x ← (x − mean) / sqrt(var + eps) · γ + β` over one row, in place.
pub fn layer_norm(x: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let h = x.len() as f32;
    let mean = sum(x) / h;
    let mut lanes = [0f32; 4];
    let c = x.chunks_exact(4);
    let r = c.remainder();
    for v in c {
        for l in 0..4 {
            let d = v[l] - mean;
            lanes[l] += d * d;
        }
    }
    for (l, v) in r.iter().enumerate() {
        let d = v - mean;
        lanes[l] += d * d;
    }
    let var = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) / h;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, g), b) in x.iter_mut().zip(gamma).zip(beta) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// Softmax of `x · scale` over one row in place: `exp((x − max)·scale)`, divided by the sum
/// ([`sum`]'s lane order). Four lanes at a time in wasm, the same bits as
/// [`softmax_scaled_reference`].
pub fn softmax_scaled(x: &mut [f32], scale: f32) {
    let max = max(x);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let rest = {
        let mut chunks = x.chunks_exact_mut(4);
        for c in &mut chunks {
            // SAFETY: c is 4 f32s; unaligned v128 loads and stores are allowed in wasm.
            unsafe {
                use core::arch::wasm32::*;
                let p = c.as_mut_ptr() as *mut v128;
                let shifted = f32x4_mul(
                    f32x4_sub(v128_load(p), f32x4_splat(max)),
                    f32x4_splat(scale),
                );
                v128_store(p, exp4(shifted));
            }
        }
        chunks.into_remainder()
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let rest = &mut *x;
    for v in rest {
        *v = exp((*v - max) * scale);
    }
    normalize(x);
}

/// [`softmax_scaled`] one element at a time, for tests.
pub fn softmax_scaled_reference(x: &mut [f32], scale: f32) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    for v in x.iter_mut() {
        *v = exp((*v - max) * scale);
    }
    normalize(x);
}

fn normalize(x: &mut [f32]) {
    let inv = 1.0 / sum(x);
    for v in x.iter_mut() {
        *v *= inv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_close_to_libm_over_its_range() {
        let mut worst = 0f64;
        let mut x = -87.0f32;
        while x < 88.0 {
            let want = (x as f64).exp();
            let rel = ((exp(x) as f64 - want) / want).abs();
            worst = worst.max(rel);
            x += 0.0137;
        }
        assert!(worst < 3e-7, "worst relative error {worst}");
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(1000.0), f32::INFINITY);
        assert!(exp(f32::NAN).is_nan());
    }

    #[test]
    fn erf_and_gelu_match_their_definitions() {
        for i in -600..=600 {
            let x = i as f64 / 100.0;
            let want = libm_erf(x);
            assert!((erf(x as f32) as f64 - want).abs() < 5e-7, "erf({x})");
        }
        assert_eq!(gelu(0.0), 0.0);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-3.0) + 0.004_049_6).abs() < 1e-6);
    }

    // erf by its Taylor series in f64: exact enough for |x| ≤ 6 as a check.
    fn libm_erf(x: f64) -> f64 {
        if x.abs() > 5.0 {
            return x.signum();
        }
        let (mut term, mut total, mut n) = (x, x, 0.0);
        while term.abs() > 1e-17 {
            n += 1.0;
            term *= -x * x / n;
            total += term / (2.0 * n + 1.0);
        }
        total * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn softmax_sums_to_one_and_survives_extremes() {
        let mut row = [1000.0, 0.0, -1000.0, 999.0];
        softmax_scaled(&mut row, 1.0);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(row[0] > row[3] && row[2] == 0.0);
    }

    #[test]
    fn layer_norm_centres_and_scales() {
        let mut row = [1.0, 2.0, 3.0, 4.0, 5.0];
        layer_norm(&mut row, &[1.0; 5], &[0.0; 5], 1e-12);
        assert!(sum(&row).abs() < 1e-6);
        assert!((row.iter().map(|x| x * x).sum::<f32>() / 5.0 - 1.0).abs() < 1e-5);
    }
}
