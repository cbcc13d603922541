//! int8 linear layer: `y = sₐ·s_w·(Σ qₐ·q_w − zₐ·Σ q_w) + b` with u8 activations (one scale and
//! zero point per row, [`QuantRows`]), i8 weights (one scale per output channel) and exact i32
//! sums, so every kernel variant gives the same integers and the same f32 epilogue.
//!
//! Weight layout: output channels in panels of [`NR`]; a panel holds, for each block of 16 k,
//! its NR channels' 16 bytes one after the other. The wasm kernel reads the activations widened
//! to i16 ([`QuantRows::wide`]), widens the weights 8 bytes at a time and uses
//! `i32x4.dot_i16x8_s`; the relaxed-SIMD build (feature `relaxed-simd`) multiplies
//! all 16 at once with `i32x4.relaxed_dot_i8x16_i7x16_add_s` when the activations are 7-bit; on
//! x86-64 SSE2's `pmaddwd`; elsewhere a portable loop. All give the same integers.

use super::quantize_rows::{QuantRows, K_BLOCK};

pub const NR: usize = 2;
pub const MR: usize = 4;

/// A linear layer's int8 weights, per-channel scales, column sums and bias in the kernel's layout.
pub struct PackedI8 {
    n: usize,
    k: usize,
    kp: usize,
    panels: Vec<i8>,
    col_sums: Vec<i32>,
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl PackedI8 {
    /// `w`: `n × k` row-major int8 (-127..=127), `scales`, `bias`: `n`.
    pub fn new(w: &[i8], scales: &[f32], bias: &[f32], n: usize, k: usize) -> Self {
        assert_eq!(w.len(), n * k, "weight shape");
        assert!(scales.len() == n && bias.len() == n, "scale/bias shape");
        let kp = k.div_ceil(K_BLOCK) * K_BLOCK;
        let np = n.div_ceil(NR);
        let mut panels = vec![0i8; np * kp * NR];
        let mut col_sums = vec![0i32; n];
        for (col, row) in w.chunks_exact(k.max(1)).enumerate().take(n) {
            let (p, j) = (col / NR, col % NR);
            let panel = &mut panels[p * kp * NR..(p + 1) * kp * NR];
            for (kk, &v) in row.iter().enumerate() {
                let (block, lane) = (kk / K_BLOCK, kk % K_BLOCK);
                panel[(block * NR + j) * K_BLOCK + lane] = v;
            }
            col_sums[col] = row.iter().map(|&v| v as i32).sum();
        }
        PackedI8 {
            n,
            k,
            kp,
            panels,
            col_sums,
            scales: scales.to_vec(),
            bias: bias.to_vec(),
        }
    }

    pub fn n(&self) -> usize {
        self.n
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// `y[m × n]` from activations quantised with the same `k`.
    pub fn forward(&self, x: &QuantRows, y: &mut [f32]) {
        let (n, kp, m) = (self.n, self.kp, x.m);
        assert!(
            x.kp == kp && x.data.len() >= m * kp && y.len() >= m * n,
            "buffer shapes"
        );
        let blocks = kp / K_BLOCK;
        for p in 0..n.div_ceil(NR) {
            let panel = &self.panels[p * kp * NR..(p + 1) * kp * NR];
            let n0 = p * NR;
            let width = NR.min(n - n0);
            let mut r = 0;
            while r + MR <= m {
                let acc = tile::<MR>(x, r, panel, blocks);
                self.store(&acc, x, y, r, n0, width);
                r += MR;
            }
            while r < m {
                let acc = tile::<1>(x, r, panel, blocks);
                self.store(&acc, x, y, r, n0, width);
                r += 1;
            }
        }
    }

    #[inline(always)]
    fn store<const R: usize>(
        &self,
        acc: &[[i32; NR]; R],
        x: &QuantRows,
        y: &mut [f32],
        r0: usize,
        n0: usize,
        width: usize,
    ) {
        for (i, row) in acc.iter().enumerate() {
            let r = r0 + i;
            for (j, &a) in row.iter().enumerate().take(width) {
                let c = n0 + j;
                y[r * self.n + c] = epilogue(
                    a,
                    x.zero[r],
                    x.scale[r],
                    self.col_sums[c],
                    self.scales[c],
                    self.bias[c],
                );
            }
        }
    }
}

/// The f32 result of one output element from its exact integer sum.
#[inline(always)]
fn epilogue(acc: i32, zero: i32, x_scale: f32, col_sum: i32, w_scale: f32, bias: f32) -> f32 {
    let exact = acc - zero * col_sum;
    exact as f32 * (x_scale * w_scale) + bias
}

/// Rows `r0 .. r0 + R` of `x` against one panel, over the whole depth.
#[inline(always)]
fn tile<const R: usize>(x: &QuantRows, r0: usize, panel: &[i8], blocks: usize) -> [[i32; NR]; R] {
    let kp = x.kp;
    assert!(
        x.data.len() >= (r0 + R) * kp
            && panel.len() >= blocks * NR * K_BLOCK
            && kp == blocks * K_BLOCK
    );
    #[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
    if !super::quantize_rows::needs_wide(x.qmax) {
        // SAFETY: as below; activations in 0..=127 (QuantRows::qmax) keep the result exact.
        return unsafe {
            tile_relaxed::<R>(x.data[r0 * kp..].as_ptr(), kp, panel.as_ptr(), blocks)
        };
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        assert!(x.wide.len() >= (r0 + R) * kp, "widened activations");
        // SAFETY: the asserts bound every read (R rows of kp values, blocks·NR·16 weight bytes).
        unsafe { tile_simd128::<R>(x.wide[r0 * kp..].as_ptr(), kp, panel.as_ptr(), blocks) }
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as above; SSE2 is part of x86_64's baseline.
    unsafe {
        tile_sse2::<R>(x.data[r0 * kp..].as_ptr(), kp, panel.as_ptr(), blocks)
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    tile_portable::<R>(&x.data[r0 * kp..], kp, panel, blocks)
}

#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
#[inline(always)]
fn tile_portable<const R: usize>(
    x: &[u8],
    kp: usize,
    panel: &[i8],
    blocks: usize,
) -> [[i32; NR]; R] {
    let mut acc = [[0i32; NR]; R];
    for b in 0..blocks {
        for (r, row) in acc.iter_mut().enumerate() {
            let a = &x[r * kp + b * K_BLOCK..r * kp + (b + 1) * K_BLOCK];
            for (j, o) in row.iter_mut().enumerate() {
                let w = &panel[(b * NR + j) * K_BLOCK..(b * NR + j + 1) * K_BLOCK];
                *o += a
                    .iter()
                    .zip(w)
                    .map(|(&a, &w)| a as i32 * w as i32)
                    .sum::<i32>();
            }
        }
    }
    acc
}

/// Activations already widened to i16, weights widened here, `i32x4.dot_i16x8_s` (products
/// ≤ 255·127, pair sums fit in i32).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn tile_simd128<const R: usize>(
    x: *const i16,
    kp: usize,
    panel: *const i8,
    blocks: usize,
) -> [[i32; NR]; R] {
    use core::arch::wasm32::*;
    let mut acc = [[i32x4_splat(0); NR]; R];
    // One half block (8 k) per step, not both halves of a block: with both, V8 keeps ~14
    // vectors live and spills (the kernel ran at 2/3 of this speed).
    for step in 0..blocks * 2 {
        let (b, half) = (step >> 1, step & 1);
        let wp = panel.add(b * NR * K_BLOCK + half * 8);
        let mut w = [i32x4_splat(0); NR];
        for (j, wj) in w.iter_mut().enumerate() {
            *wj = i16x8_load_extend_i8x8(wp.add(j * K_BLOCK));
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let a = v128_load(x.add(r * kp + step * 8) as *const v128);
            for (o, &wj) in row.iter_mut().zip(&w) {
                *o = i32x4_add(*o, i32x4_dot_i16x8(a, wj));
            }
        }
    }
    horizontal::<R>(&acc)
}

/// Each accumulator's four lanes summed (exact: integers).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn horizontal<const R: usize>(acc: &[[core::arch::wasm32::v128; NR]; R]) -> [[i32; NR]; R] {
    use core::arch::wasm32::*;
    let mut out = [[0i32; NR]; R];
    for (o, a) in out.iter_mut().zip(acc) {
        for (oj, &v) in o.iter_mut().zip(a) {
            *oj = i32x4_extract_lane::<0>(v)
                .wrapping_add(i32x4_extract_lane::<1>(v))
                .wrapping_add(i32x4_extract_lane::<2>(v))
                .wrapping_add(i32x4_extract_lane::<3>(v));
        }
    }
    out
}

/// 16 products per instruction with `i32x4.relaxed_dot_i8x16_i7x16_add_s`: exact, and the same on
/// every CPU, because the second operand (the activations) is in 0..=127.
#[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
#[target_feature(enable = "relaxed-simd")]
unsafe fn tile_relaxed<const R: usize>(
    x: *const u8,
    kp: usize,
    panel: *const i8,
    blocks: usize,
) -> [[i32; NR]; R] {
    use core::arch::wasm32::*;
    let mut acc = [[i32x4_splat(0); NR]; R];
    for b in 0..blocks {
        let wp = panel.add(b * NR * K_BLOCK);
        let mut w = [i32x4_splat(0); NR];
        for (j, wj) in w.iter_mut().enumerate() {
            *wj = v128_load(wp.add(j * K_BLOCK) as *const v128);
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let a = v128_load(x.add(r * kp + b * K_BLOCK) as *const v128);
            for (o, &wj) in row.iter_mut().zip(&w) {
                *o = i32x4_relaxed_dot_i8x16_i7x16_add(wj, a, *o);
            }
        }
    }
    horizontal::<R>(&acc)
}

/// The same integers with SSE2's `pmaddwd` (the CLI's path on x86-64).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn tile_sse2<const R: usize>(
    x: *const u8,
    kp: usize,
    panel: *const i8,
    blocks: usize,
) -> [[i32; NR]; R] {
    use core::arch::x86_64::*;
    let zero = _mm_setzero_si128();
    let mut acc = [[zero; NR]; R];
    for b in 0..blocks {
        let wp = panel.add(b * NR * K_BLOCK);
        let mut w = [[zero; 2]; NR];
        for (j, wj) in w.iter_mut().enumerate() {
            let v = _mm_loadu_si128(wp.add(j * K_BLOCK) as *const __m128i);
            // Sign-extend i8 → i16: the byte in the high half, shifted back arithmetically.
            wj[0] = _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
            wj[1] = _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8);
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let v = _mm_loadu_si128(x.add(r * kp + b * K_BLOCK) as *const __m128i);
            let (lo, hi) = (_mm_unpacklo_epi8(v, zero), _mm_unpackhi_epi8(v, zero));
            for (o, wj) in row.iter_mut().zip(&w) {
                *o = _mm_add_epi32(
                    *o,
                    _mm_add_epi32(_mm_madd_epi16(lo, wj[0]), _mm_madd_epi16(hi, wj[1])),
                );
            }
        }
    }
    let mut out = [[0i32; NR]; R];
    for (o, a) in out.iter_mut().zip(&acc) {
        for (oj, &v) in o.iter_mut().zip(a) {
            let mut lanes = [0i32; 4];
            _mm_storeu_si128(lanes.as_mut_ptr() as *mut __m128i, v);
            *oj = lanes.iter().fold(0i32, |s, &l| s.wrapping_add(l));
        }
    }
    out
}

/// The plain definition, for tests: `w` is `n × k` row-major.
pub fn reference(
    x: &QuantRows,
    k: usize,
    w: &[i8],
    scales: &[f32],
    bias: &[f32],
    n: usize,
) -> Vec<f32> {
    let mut y = vec![0f32; x.m * n];
    for i in 0..x.m {
        for j in 0..n {
            let mut acc = 0i32;
            for kk in 0..k {
                acc += x.data[i * x.kp + kk] as i32 * w[j * k + kk] as i32;
            }
            y[i * n + j] = epilogue(
                acc,
                x.zero[i],
                x.scale[i],
                w[j * k..(j + 1) * k].iter().map(|&v| v as i32).sum(),
                scales[j],
                bias[j],
            );
        }
    }
    y
}
