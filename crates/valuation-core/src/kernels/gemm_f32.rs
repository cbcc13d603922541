//! f32 matrix product `y = x·Wᵀ (+ b)`: linear layers (weights packed once at load time) and
//! attention's two products (K and V packed per text and head).
//!
//! Layout: output columns in panels of [`NR`]; a panel stores its columns k-major
//! (`panel[k·NR + j] = W[n0 + j][k]`), so the kernel reads one contiguous NR-wide vector per k
//! and multiplies it by one broadcast input value for each of [`MR`] rows. Every output element
//! is `((0 + x₀w₀) + x₁w₁) + …` in increasing k, then `+ b`: the order does not depend on the
//! tile, so the simd128 kernel, the portable one and [`reference`] agree bit for bit.
//!
//! Why 4 × 8, measured (2026-12-04, Zen 4 at a 2.6 GHz base clock, Chromium 156, GFLOPS on the
//! encoder's shapes): 4×8 42, 2×16 43, 8×4 34, 4×8 with k unrolled by two 30, 6×8 28, 3×16 28,
//! 3×12 29, 4×12 29, 5×8 24. Larger tiles run out of V8's 15 allocatable SIMD registers and spill.
//! 42 GFLOPS is 16 flops per cycle: both multiply pipes and both add pipes busy every cycle,
//! the ceiling of `f32x4.mul` + `f32x4.add`. Only a fused multiply-add would go further, and
//! `f32x4.relaxed_madd` rounds once on CPUs with FMA and twice on the others, so the f32
//! encoder's vectors, and the reports built on them, would depend on the CPU.

pub const NR: usize = 8;
pub const MR: usize = 4;

/// A right-hand side packed for the kernel: `n` output columns of depth `k`. Packed once at load
/// time for a linear layer, or again and again into the same buffer for attention's K and V.
#[derive(Default)]
pub struct Panels {
    n: usize,
    k: usize,
    data: Vec<f32>,
}

impl Panels {
    /// Packs `W` (`n × k`) given row by row: row `j` is `w[j·stride .. j·stride + k]`, so
    /// [`Panels::multiply`] computes `x·Wᵀ`.
    pub fn pack_rows(&mut self, w: &[f32], stride: usize, n: usize, k: usize) {
        self.reset(n, k);
        for col in 0..n {
            let (p, j) = (col / NR, col % NR);
            let panel = &mut self.data[p * k * NR..(p + 1) * k * NR];
            for (kk, &v) in w[col * stride..col * stride + k].iter().enumerate() {
                panel[kk * NR + j] = v;
            }
        }
    }

    /// Packs `W` (`n × k`) given column by column, i.e. `Wᵀ` (`k × n`) row by row: entry
    /// `(j, kk)` is `wt[kk·stride + j]`. [`Panels::multiply`] then computes `x·Wᵀ` = `x·wt`.
    pub fn pack_columns(&mut self, wt: &[f32], stride: usize, n: usize, k: usize) {
        self.reset(n, k);
        for p in 0..n.div_ceil(NR) {
            let (n0, width) = (p * NR, NR.min(n - p * NR));
            let panel = &mut self.data[p * k * NR..(p + 1) * k * NR];
            for (kk, out) in panel.chunks_exact_mut(NR).enumerate() {
                out[..width].copy_from_slice(&wt[kk * stride + n0..kk * stride + n0 + width]);
            }
        }
    }

    fn reset(&mut self, n: usize, k: usize) {
        self.n = n;
        self.k = k;
        self.data.clear();
        self.data.resize(n.div_ceil(NR) * k * NR, 0.0);
    }

    /// `y[i·y_stride + j] = (Σₖ x[i·x_stride + k]·W[j][k]) (+ bias[j])` for `i < m`, `j < n`.
    pub fn multiply(
        &self,
        x: &[f32],
        x_stride: usize,
        m: usize,
        y: &mut [f32],
        y_stride: usize,
        bias: Option<&[f32]>,
    ) {
        let (n, k) = (self.n, self.k);
        if m == 0 || n == 0 {
            return;
        }
        assert!(
            x_stride >= k
                && x.len() >= (m - 1) * x_stride + k
                && y_stride >= n
                && y.len() >= (m - 1) * y_stride + n
                && bias.is_none_or(|b| b.len() >= n),
            "buffer shapes"
        );
        for p in 0..n.div_ceil(NR) {
            let panel = &self.data[p * k * NR..(p + 1) * k * NR];
            let n0 = p * NR;
            let out = Columns {
                y_stride,
                n0,
                width: NR.min(n - n0),
                bias: bias.map(|b| &b[n0..]),
            };
            let mut r = 0;
            while r + MR <= m {
                let acc = tile::<MR>(&x[r * x_stride..], x_stride, k, panel);
                out.store(&acc, y, r);
                r += MR;
            }
            while r < m {
                let acc = tile::<1>(&x[r * x_stride..], x_stride, k, panel);
                out.store(&acc, y, r);
                r += 1;
            }
        }
    }
}

/// A linear layer's weights and bias in the kernel's layout.
pub struct PackedF32 {
    panels: Panels,
    bias: Vec<f32>,
}

impl PackedF32 {
    /// `w`: `n × k` row-major (PyTorch's `Linear.weight`), `bias`: `n`.
    pub fn new(w: &[f32], bias: &[f32], n: usize, k: usize) -> Self {
        assert_eq!(w.len(), n * k, "weight shape");
        assert_eq!(bias.len(), n, "bias shape");
        let mut panels = Panels::default();
        panels.pack_rows(w, k, n, k);
        PackedF32 {
            panels,
            bias: bias.to_vec(),
        }
    }

    pub fn n(&self) -> usize {
        self.panels.n
    }

    pub fn k(&self) -> usize {
        self.panels.k
    }

    /// `y[m × n] = x[m × k]·Wᵀ + b`.
    pub fn forward(&self, x: &[f32], m: usize, y: &mut [f32]) {
        let (n, k) = (self.n(), self.k());
        self.panels.multiply(x, k, m, y, n, Some(&self.bias));
    }
}

/// Where one panel's tiles go in the output.
struct Columns<'a> {
    y_stride: usize,
    n0: usize,
    width: usize,
    bias: Option<&'a [f32]>,
}

impl Columns<'_> {
    #[inline(always)]
    fn store<const R: usize>(&self, acc: &[[f32; NR]; R], y: &mut [f32], r0: usize) {
        for (i, row) in acc.iter().enumerate() {
            let start = (r0 + i) * self.y_stride + self.n0;
            let out = &mut y[start..start + self.width];
            match self.bias {
                Some(bias) => {
                    for ((o, a), b) in out.iter_mut().zip(row).zip(bias) {
                        *o = a + b;
                    }
                }
                None => out.copy_from_slice(&row[..self.width]),
            }
        }
    }
}

/// R rows × NR columns over the whole depth.
#[inline(always)]
fn tile<const R: usize>(x: &[f32], stride: usize, k: usize, panel: &[f32]) -> [[f32; NR]; R] {
    assert!(x.len() >= (R - 1) * stride + k && panel.len() >= k * NR);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    // SAFETY: the assert above bounds every read: rows r < R at x[r·stride .. r·stride + k],
    // panel k·NR.
    unsafe {
        tile_simd128::<R>(x.as_ptr(), stride, k, panel.as_ptr())
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    tile_portable::<R>(x, stride, k, panel)
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn tile_portable<const R: usize>(
    x: &[f32],
    stride: usize,
    k: usize,
    panel: &[f32],
) -> [[f32; NR]; R] {
    let mut acc = [[0f32; NR]; R];
    for (kk, w) in panel.chunks_exact(NR).take(k).enumerate() {
        for (r, row) in acc.iter_mut().enumerate() {
            let a = x[r * stride + kk];
            for (o, &wj) in row.iter_mut().zip(w) {
                *o += a * wj;
            }
        }
    }
    acc
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn tile_simd128<const R: usize>(
    x: *const f32,
    stride: usize,
    k: usize,
    panel: *const f32,
) -> [[f32; NR]; R] {
    use core::arch::wasm32::*;
    let mut acc = [[f32x4_splat(0.0); 2]; R];
    for kk in 0..k {
        let w0 = v128_load(panel.add(kk * NR) as *const v128);
        let w1 = v128_load(panel.add(kk * NR + 4) as *const v128);
        for (r, row) in acc.iter_mut().enumerate() {
            let a = v128_load32_splat(x.add(r * stride + kk) as *const u32);
            row[0] = f32x4_add(row[0], f32x4_mul(a, w0));
            row[1] = f32x4_add(row[1], f32x4_mul(a, w1));
        }
    }
    let mut out = [[0f32; NR]; R];
    for (o, a) in out.iter_mut().zip(&acc) {
        v128_store(o.as_mut_ptr() as *mut v128, a[0]);
        v128_store(o.as_mut_ptr().add(4) as *mut v128, a[1]);
    }
    out
}

/// The plain definition, for tests: `y[i][j] = (Σₖ x[i][k]·w[j][k] in increasing k) + b[j]`.
pub fn reference(x: &[f32], w: &[f32], bias: &[f32], m: usize, n: usize, k: usize) -> Vec<f32> {
    let mut y = vec![0f32; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0f32;
            for kk in 0..k {
                acc += x[i * k + kk] * w[j * k + kk];
            }
            y[i * n + j] = acc + bias[j];
        }
    }
    y
}
