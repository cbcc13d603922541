//! int8 linear layer: `y = sₐ·s_w·(Σ qₐ·q_w − zₐ·Σ q_w) + b` with u8 activations (one scale and
//! zero point per row, [`QuantRows`]), i8 weights (one scale per output channel) and exact i32
//! sums, so every kernel variant gives the same integers and the same f32 epilogue.
//!
//! Weight layout ("c4", XNNPACK's name): output channels in panels of [`NR`] = 8; for each group
//! of [`GROUP`] = 4 k, a panel holds its 8 channels' 4 bytes one after the other (32 bytes). One
//! 16-byte load is then 4 channels × 4 k, which is what `i32x4.relaxed_dot_i8x16_i7x16_add_s`
//! sums per lane: multiplied by the row's 4 activations repeated 4 times, each i32 lane *is* one
//! output channel's sum, so a tile ends with no horizontal sums and the epilogue (offset, scales,
//! bias) runs four channels at a time. Kernels:
//! - relaxed-SIMD build, 7-bit activations: that relaxed dot (as `i16x8.relaxed_dot_i8x16_i7x16_s`
//!   then `i32x4.dot_i16x8_s` by one, see `wasm::relaxed`), 4 rows × 8 channels per tile;
//! - wasm simd128 (and the relaxed build's 8-bit input to q/k/v): `i32x4.dot_i16x8_s` on the
//!   activations widened to i16 ([`QuantRows::wide`]) and the weights widened 8 bytes (2
//!   channels × 4 k) at a time; lanes hold pair sums, combined by two shuffles at the end of the
//!   tile; 2 rows × 8 channels;
//! - x86-64: the same with SSE2's `pmaddwd` (the CLI's path);
//! - elsewhere a portable loop.
//!
//! All give the same integers. The layout replaced one where each lane summed 4 of a channel's
//! 16 k, which ended every tile with scalar horizontal sums and a scalar epilogue: about a third
//! of the work of the 384-deep layers.
//!
//! Where the relaxed kernel stands (2026-12-04, Zen 4, Chromium 156): about 49 G products/s in
//! the encoder. Without AVX-VNNI, V8 spends two multiplier instructions on every 16 products
//! (`pmaddubsw`, then `pmaddwd` to widen the pair sums), as many as the simd128 kernel's two
//! `pmaddwd`, so the gain of the relaxed build is fewer loads and widenings, not fewer
//! multiplies. Tried and dropped: the tile's four rows interleaved so one 16-byte load and four
//! shuffles replace four 4-byte splat loads (+32 % in an isolated loop, nothing in the encoder).

use super::quantize_rows::{QuantRows, K_BLOCK};

/// Output channels per panel.
pub const NR: usize = 8;
/// k per channel per group.
pub const GROUP: usize = 4;
const GROUP_BYTES: usize = NR * GROUP;

/// A linear layer's int8 weights, per-channel scales, column sums and bias in the kernel's layout
/// (the per-channel vectors padded with zeros to whole panels).
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
        let mut col_sums = vec![0i32; np * NR];
        for (col, row) in w.chunks_exact(k.max(1)).enumerate().take(n) {
            let (p, j) = (col / NR, col % NR);
            let panel = &mut panels[p * kp * NR..(p + 1) * kp * NR];
            for (kk, &v) in row.iter().enumerate() {
                let (g, t) = (kk / GROUP, kk % GROUP);
                panel[g * GROUP_BYTES + j * GROUP + t] = v;
            }
            col_sums[col] = row.iter().map(|&v| v as i32).sum();
        }
        let padded = |v: &[f32]| {
            let mut out = v.to_vec();
            out.resize(np * NR, 0.0);
            out
        };
        PackedI8 {
            n,
            k,
            kp,
            panels,
            col_sums,
            scales: padded(scales),
            bias: padded(bias),
        }
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
        assert!(
            !super::quantize_rows::needs_wide(x.qmax) || x.wide.len() >= m * kp,
            "widened activations"
        );
        let groups = kp / GROUP;
        for p in 0..n.div_ceil(NR) {
            let panel = &self.panels[p * kp * NR..(p + 1) * kp * NR];
            let out = Out {
                packed: self,
                x,
                n0: p * NR,
            };
            #[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
            if !super::quantize_rows::needs_wide(x.qmax) {
                let split = relaxed_dot() == RelaxedDot::Split;
                rows::<4>(m, |r, rows| match (rows, split) {
                    // SAFETY (all arms): `forward`'s asserts bound every read: `rows` rows of
                    // kp activations from row r, and the panel's groups·32 bytes.
                    (4, true) => out.store_v(
                        &unsafe { wasm::relaxed::<4, true>(x, r, panel, groups) },
                        y,
                        r,
                    ),
                    (4, false) => out.store_v(
                        &unsafe { wasm::relaxed::<4, false>(x, r, panel, groups) },
                        y,
                        r,
                    ),
                    (_, true) => out.store_v(
                        &unsafe { wasm::relaxed::<1, true>(x, r, panel, groups) },
                        y,
                        r,
                    ),
                    (_, false) => out.store_v(
                        &unsafe { wasm::relaxed::<1, false>(x, r, panel, groups) },
                        y,
                        r,
                    ),
                });
                continue;
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            rows::<2>(m, |r, rows| match rows {
                // SAFETY: as above (the widened copy has the same shape as the bytes).
                2 => out.store_v(&unsafe { wasm::wide::<2>(x, r, panel, groups) }, y, r),
                _ => out.store_v(&unsafe { wasm::wide::<1>(x, r, panel, groups) }, y, r),
            });
            #[cfg(target_arch = "x86_64")]
            rows::<2>(m, |r, rows| match rows {
                // SAFETY: as above; SSE2 is part of x86-64's baseline.
                2 => out.store(&unsafe { sse2::<2>(x, r, panel, groups) }, y, r),
                _ => out.store(&unsafe { sse2::<1>(x, r, panel, groups) }, y, r),
            });
            #[cfg(not(any(
                target_arch = "x86_64",
                all(target_arch = "wasm32", target_feature = "simd128")
            )))]
            rows::<1>(m, |r, _| {
                out.store(&portable::<1>(x, r, panel, groups), y, r)
            });
        }
    }
}

/// The two forms of the relaxed-SIMD build's int8 dot, which give the same integers and differ
/// only in speed, by CPU. V8 lowers the fused `i32x4.relaxed_dot_i8x16_i7x16_add_s` to one
/// instruction where the CPU has one (AVX-VNNI `vpdpbusd`, Arm's `sdot`), but elsewhere (x86
/// without AVX-VNNI: Zen 4, Intel before Alder Lake) to `pmaddubsw`, `pmaddwd` by a constant it
/// rebuilds every time, an add and two scratch registers; there the split form is fewer
/// instructions (+28 % measured on a Zen 4). So the build asks the CPU which lowering it has
/// ([`pick_relaxed_dot`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelaxedDot {
    Fused,
    Split,
}

static SPLIT_DOT: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// The form the relaxed-SIMD int8 kernel uses now (fused until `set_relaxed_dot`).
pub fn relaxed_dot() -> RelaxedDot {
    if SPLIT_DOT.load(core::sync::atomic::Ordering::Relaxed) {
        RelaxedDot::Split
    } else {
        RelaxedDot::Fused
    }
}

/// Sets the form (process-wide: one wasm instance, one CPU). Results never depend on it.
pub fn set_relaxed_dot(form: RelaxedDot) {
    SPLIT_DOT.store(
        form == RelaxedDot::Split,
        core::sync::atomic::Ordering::Relaxed,
    );
}

/// Picks the form for this CPU from the fused dot's own answer outside the 7-bit range, where
/// relaxed SIMD lets CPUs differ: -128 × 255 (the activation byte read as unsigned) four times
/// is -130 560 through AVX-VNNI, 512 through Arm's signed `sdot`, and -65 536 through
/// `pmaddubsw`, whose i16 pair sums saturate. That saturation is the two-instruction lowering
/// the split form beats; anything else keeps the fused form. Instant and the same on every run,
/// unlike a timing; the kernels' inputs are never outside the range, so results never depend
/// on it. Outside the relaxed-SIMD build there is one form and this returns `Fused`.
pub fn pick_relaxed_dot() -> RelaxedDot {
    #[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
    {
        // SAFETY: the relaxed-SIMD build only runs where relaxed SIMD validated.
        let form = if unsafe { wasm::fused_dot_saturates() } {
            RelaxedDot::Split
        } else {
            RelaxedDot::Fused
        };
        set_relaxed_dot(form);
        form
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "relaxed-simd")))]
    RelaxedDot::Fused
}

/// Calls `tile(r, rows)` over `0..m` in tiles of `MR` rows, then single rows.
#[inline(always)]
fn rows<const MR: usize>(m: usize, mut tile: impl FnMut(usize, usize)) {
    let mut r = 0;
    while r + MR <= m {
        tile(r, MR);
        r += MR;
    }
    while r < m {
        tile(r, 1);
        r += 1;
    }
}

/// Where one panel's tiles go: the epilogue of its channels `n0 .. n0 + NR`.
struct Out<'a> {
    packed: &'a PackedI8,
    x: &'a QuantRows,
    n0: usize,
}

impl Out<'_> {
    /// Scalar epilogue of exact sums `acc[row][channel]`.
    #[inline(always)]
    fn store<const R: usize>(&self, acc: &[[i32; NR]; R], y: &mut [f32], r0: usize) {
        let (p, x, n0) = (self.packed, self.x, self.n0);
        let width = NR.min(p.n - n0);
        for (i, row) in acc.iter().enumerate() {
            let r = r0 + i;
            for (j, &a) in row.iter().enumerate().take(width) {
                let c = n0 + j;
                y[r * p.n + c] = epilogue(
                    a,
                    x.zero[r],
                    x.scale[r],
                    p.col_sums[c],
                    p.scales[c],
                    p.bias[c],
                );
            }
        }
    }

    /// The epilogue four channels at a time: the same operations as [`epilogue`] lane by lane,
    /// so the same bits.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn store_v<const R: usize>(
        &self,
        acc: &[[core::arch::wasm32::v128; 2]; R],
        y: &mut [f32],
        r0: usize,
    ) {
        use core::arch::wasm32::*;
        let (p, x, n0) = (self.packed, self.x, self.n0);
        if n0 + NR > p.n {
            let mut lanes = [[0i32; NR]; R];
            for (l, a) in lanes.iter_mut().zip(acc) {
                for (h, &v) in a.iter().enumerate() {
                    // SAFETY: 4 i32 into the 4 lanes at h·4 of an 8-lane array.
                    unsafe { v128_store(l[h * 4..].as_mut_ptr() as *mut v128, v) };
                }
            }
            return self.store(&lanes, y, r0);
        }
        // SAFETY: n0 + 8 ≤ n ≤ the padded per-channel vectors, and rows r0..r0+R < m.
        unsafe {
            let load = |v: &[i32], h: usize| v128_load(v[n0 + h * 4..].as_ptr() as *const v128);
            let loadf = |v: &[f32], h: usize| v128_load(v[n0 + h * 4..].as_ptr() as *const v128);
            for (i, a) in acc.iter().enumerate() {
                let r = r0 + i;
                let (zero, xs) = (i32x4_splat(x.zero[r]), f32x4_splat(x.scale[r]));
                for (h, &v) in a.iter().enumerate() {
                    let exact = i32x4_sub(v, i32x4_mul(zero, load(&p.col_sums, h)));
                    let s = f32x4_mul(xs, loadf(&p.scales, h));
                    let out =
                        f32x4_add(f32x4_mul(f32x4_convert_i32x4(exact), s), loadf(&p.bias, h));
                    v128_store(y[r * p.n + n0 + h * 4..].as_mut_ptr() as *mut v128, out);
                }
            }
        }
    }
}

/// The f32 result of one output element from its exact integer sum.
#[inline(always)]
fn epilogue(acc: i32, zero: i32, x_scale: f32, col_sum: i32, w_scale: f32, bias: f32) -> f32 {
    let exact = acc.wrapping_sub(zero.wrapping_mul(col_sum));
    exact as f32 * (x_scale * w_scale) + bias
}

#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
#[inline(always)]
fn portable<const R: usize>(
    x: &QuantRows,
    r0: usize,
    panel: &[i8],
    groups: usize,
) -> [[i32; NR]; R] {
    let mut acc = [[0i32; NR]; R];
    for g in 0..groups {
        for (r, row) in acc.iter_mut().enumerate() {
            let a = &x.data[(r0 + r) * x.kp + g * GROUP..][..GROUP];
            for (j, o) in row.iter_mut().enumerate() {
                let w = &panel[g * GROUP_BYTES + j * GROUP..][..GROUP];
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

/// [`wasm::wide`] with SSE2: `pmaddwd` on the widened activations, 4 k broadcast to both halves.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn sse2<const R: usize>(
    x: &QuantRows,
    r0: usize,
    panel: &[i8],
    groups: usize,
) -> [[i32; NR]; R] {
    use core::arch::x86_64::*;
    let (a, w) = (x.wide[r0 * x.kp..].as_ptr(), panel.as_ptr());
    let zero = _mm_setzero_si128();
    // acc[r][q]: channel pairs (0,1), (2,3), (4,5), (6,7), lanes = pair sums.
    let mut acc = [[zero; 4]; R];
    for g in 0..groups {
        let mut wv = [zero; 4];
        for h in 0..2 {
            let v = _mm_loadu_si128(w.add(g * GROUP_BYTES + h * 16) as *const __m128i);
            // Sign-extend i8 → i16: the byte in the high half, shifted back arithmetically.
            wv[2 * h] = _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
            wv[2 * h + 1] = _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8);
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let four = (a.add(r * x.kp + g * GROUP) as *const i64).read_unaligned();
            let av = _mm_set1_epi64x(four);
            for (o, &wq) in row.iter_mut().zip(&wv) {
                *o = _mm_add_epi32(*o, _mm_madd_epi16(av, wq));
            }
        }
    }
    let mut out = [[0i32; NR]; R];
    for (o, a) in out.iter_mut().zip(&acc) {
        for (q, &v) in a.iter().enumerate() {
            let mut l = [0i32; 4];
            _mm_storeu_si128(l.as_mut_ptr() as *mut __m128i, v);
            o[2 * q] = l[0].wrapping_add(l[1]);
            o[2 * q + 1] = l[2].wrapping_add(l[3]);
        }
    }
    out
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use super::{QuantRows, GROUP, GROUP_BYTES};
    use core::arch::wasm32::*;

    /// Rows `r0 .. r0 + R` against one panel with `i32x4.dot_i16x8_s`: the row's 4 widened
    /// activations of a group repeated twice (one 64-bit splat) against 2 channels × 4 k
    /// widened from 8 weight bytes; products ≤ 255·127, pair sums fit in i32. Returns channels
    /// 0..4 and 4..8 per row.
    #[inline(always)]
    pub unsafe fn wide<const R: usize>(
        x: &QuantRows,
        r0: usize,
        panel: &[i8],
        groups: usize,
    ) -> [[v128; 2]; R] {
        let (a, w) = (x.wide[r0 * x.kp..].as_ptr(), panel.as_ptr());
        // acc[r][q]: channel pairs (0,1), (2,3), (4,5), (6,7), lanes = pair sums.
        let mut acc = [[i32x4_splat(0); 4]; R];
        for g in 0..groups {
            let mut wv = [i32x4_splat(0); 4];
            for (q, wq) in wv.iter_mut().enumerate() {
                *wq = i16x8_load_extend_i8x8(w.add(g * GROUP_BYTES + q * 8));
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = v128_load64_splat(a.add(r * x.kp + g * GROUP) as *const u64);
                for (o, &wq) in row.iter_mut().zip(&wv) {
                    *o = i32x4_add(*o, i32x4_dot_i16x8(av, wq));
                }
            }
        }
        let mut out = [[i32x4_splat(0); 2]; R];
        for (o, a) in out.iter_mut().zip(&acc) {
            for (h, oh) in o.iter_mut().enumerate() {
                let (p, q) = (a[2 * h], a[2 * h + 1]);
                *oh = i32x4_add(
                    i32x4_shuffle::<0, 2, 4, 6>(p, q),
                    i32x4_shuffle::<1, 3, 5, 7>(p, q),
                );
            }
        }
        out
    }

    /// Whether the fused relaxed dot saturates i16 pair sums here (see `pick_relaxed_dot`).
    /// The operands go through memory with volatile reads, so no compiler folds the answer.
    #[cfg(feature = "relaxed-simd")]
    #[target_feature(enable = "relaxed-simd")]
    pub unsafe fn fused_dot_saturates() -> bool {
        let operands = [i8x16_splat(-128), u8x16_splat(255)];
        let w = core::ptr::read_volatile(&operands[0]);
        let a = core::ptr::read_volatile(&operands[1]);
        let lanes = i32x4_relaxed_dot_i8x16_i7x16_add(w, a, i32x4_splat(0));
        i32x4_extract_lane::<0>(lanes) == -65_536
    }

    /// 16 products per relaxed dot, each lane one channel: exact, and the same on every CPU,
    /// because the second operand (the activations) is in 0..=127. `SPLIT` picks the form
    /// ([`super::RelaxedDot`]): the fused `i32x4.relaxed_dot_i8x16_i7x16_add_s`, or
    /// `i16x8.relaxed_dot_i8x16_i7x16_s` then `i32x4.dot_i16x8_s` by one. Exact either way: a
    /// pair sum is within ±2·127·128, inside i16, so no CPU saturates or wraps it.
    #[cfg(feature = "relaxed-simd")]
    #[target_feature(enable = "relaxed-simd")]
    pub unsafe fn relaxed<const R: usize, const SPLIT: bool>(
        x: &QuantRows,
        r0: usize,
        panel: &[i8],
        groups: usize,
    ) -> [[v128; 2]; R] {
        let (a, w) = (x.data[r0 * x.kp..].as_ptr(), panel.as_ptr());
        let ones = i16x8_splat(1);
        let dot = |w: v128, a: v128, acc: v128| {
            if SPLIT {
                i32x4_add(
                    acc,
                    i32x4_dot_i16x8(i16x8_relaxed_dot_i8x16_i7x16(w, a), ones),
                )
            } else {
                i32x4_relaxed_dot_i8x16_i7x16_add(w, a, acc)
            }
        };
        let mut acc = [[i32x4_splat(0); 2]; R];
        for g in 0..groups {
            let w0 = v128_load(w.add(g * GROUP_BYTES) as *const v128);
            let w1 = v128_load(w.add(g * GROUP_BYTES + 16) as *const v128);
            for (r, row) in acc.iter_mut().enumerate() {
                let av = v128_load32_splat(a.add(r * x.kp + g * GROUP) as *const u32);
                row[0] = dot(w0, av, row[0]);
                row[1] = dot(w1, av, row[1]);
            }
        }
        acc
    }
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
