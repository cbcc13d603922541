//! f32 linear layer `y = x·Wᵀ + b`, weights packed once at load time.
//!
//! Layout: output columns in panels of [`NR`]; a panel stores its columns k-major
//! (`panel[k·NR + j] = W[n0 + j][k]`), so the kernel reads one contiguous NR-wide vector per k
//! and multiplies it by one broadcast input value for each of [`MR`] rows. Every output element
//! is `((0 + x₀w₀) + x₁w₁) + …` in increasing k, then `+ b`: the order does not depend on the
//! tile, so the simd128 kernel, the portable one and [`reference`] agree bit for bit.

pub const NR: usize = 8;
pub const MR: usize = 4;

/// A linear layer's weights and bias in the kernel's layout.
pub struct PackedF32 {
    n: usize,
    k: usize,
    panels: Vec<f32>,
    bias: Vec<f32>,
}

impl PackedF32 {
    /// `w`: `n × k` row-major (PyTorch's `Linear.weight`), `bias`: `n`.
    pub fn new(w: &[f32], bias: &[f32], n: usize, k: usize) -> Self {
        assert_eq!(w.len(), n * k, "weight shape");
        assert_eq!(bias.len(), n, "bias shape");
        let np = n.div_ceil(NR);
        let mut panels = vec![0f32; np * k * NR];
        for (col, row) in w.chunks_exact(k.max(1)).enumerate().take(n) {
            let (p, j) = (col / NR, col % NR);
            let panel = &mut panels[p * k * NR..(p + 1) * k * NR];
            for (kk, &v) in row.iter().enumerate() {
                panel[kk * NR + j] = v;
            }
        }
        PackedF32 {
            n,
            k,
            panels,
            bias: bias.to_vec(),
        }
    }

    pub fn n(&self) -> usize {
        self.n
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// `y[m × n] = x[m × k]·Wᵀ + b`.
    pub fn forward(&self, x: &[f32], m: usize, y: &mut [f32]) {
        let (n, k) = (self.n, self.k);
        assert!(x.len() >= m * k && y.len() >= m * n, "buffer shapes");
        for p in 0..n.div_ceil(NR) {
            let panel = &self.panels[p * k * NR..(p + 1) * k * NR];
            let n0 = p * NR;
            let width = NR.min(n - n0);
            let bias = &self.bias[n0..n0 + width];
            let mut r = 0;
            while r + MR <= m {
                let acc = tile::<MR>(&x[r * k..], k, panel);
                store(&acc, y, r, n, n0, bias);
                r += MR;
            }
            while r < m {
                let acc = tile::<1>(&x[r * k..], k, panel);
                store(&acc, y, r, n, n0, bias);
                r += 1;
            }
        }
    }
}

#[inline(always)]
fn store<const R: usize>(
    acc: &[[f32; NR]; R],
    y: &mut [f32],
    r0: usize,
    n: usize,
    n0: usize,
    bias: &[f32],
) {
    for (i, row) in acc.iter().enumerate() {
        let out = &mut y[(r0 + i) * n + n0..(r0 + i) * n + n0 + bias.len()];
        for ((o, a), b) in out.iter_mut().zip(row).zip(bias) {
            *o = a + b;
        }
    }
}

/// R rows × NR columns over the whole depth.
#[inline(always)]
fn tile<const R: usize>(x: &[f32], k: usize, panel: &[f32]) -> [[f32; NR]; R] {
    assert!(x.len() >= (R - 1) * k + k && panel.len() >= k * NR);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    // SAFETY: the assert above bounds every read: rows r < R at x[r·k .. r·k + k], panel k·NR.
    unsafe {
        tile_simd128::<R>(x.as_ptr(), k, panel.as_ptr())
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    tile_portable::<R>(x, k, panel)
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn tile_portable<const R: usize>(x: &[f32], k: usize, panel: &[f32]) -> [[f32; NR]; R] {
    let mut acc = [[0f32; NR]; R];
    for (kk, w) in panel.chunks_exact(NR).take(k).enumerate() {
        for (r, row) in acc.iter_mut().enumerate() {
            let a = x[r * k + kk];
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
    k: usize,
    panel: *const f32,
) -> [[f32; NR]; R] {
    use core::arch::wasm32::*;
    let mut acc = [[f32x4_splat(0.0); 2]; R];
    for kk in 0..k {
        let w0 = v128_load(panel.add(kk * NR) as *const v128);
        let w1 = v128_load(panel.add(kk * NR + 4) as *const v128);
        for (r, row) in acc.iter_mut().enumerate() {
            let a = v128_load32_splat(x.add(r * k + kk) as *const u32);
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
