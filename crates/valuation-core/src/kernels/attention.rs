//! Self-attention of one text, as two matrix products per head on the f32 GEMM kernel:
//! `S = Q·Kᵀ`, `P = softmax(S / √d)` row by row, `ctx = P·V`.
//!
//! Written as products, attention runs on the same register-tiled kernel as the linear layers
//! (K and V are packed per head into a buffer reused across heads, layers and calls) instead of
//! one dot product and one axpy per pair of tokens: on paragraph-long units (~130 word pieces)
//! it was the largest single cost of a forward pass. Every element is still one fixed sequence
//! of IEEE operations: `S[i][j] = Σ_d q·k` in increasing `d`, `ctx[i][c] = Σ_j p·v` in
//! increasing `j` ([`reference`] spells it out).

use super::gemm_f32::Panels;
use super::math;

/// Buffers reused from one call to the next.
#[derive(Default)]
pub struct AttentionScratch {
    scores: Vec<f32>,
    keys: Panels,
    values: Panels,
}

/// `qkv`: `len × 3h` rows of `[q | k | v]`; head `i` is columns `i·dh .. (i+1)·dh` of each.
/// Writes `ctx` (`len × h`).
pub fn attend(
    qkv: &[f32],
    ctx: &mut [f32],
    len: usize,
    hidden: usize,
    heads: usize,
    s: &mut AttentionScratch,
) {
    let dh = hidden / heads;
    let stride = 3 * hidden;
    assert!(
        dh * heads == hidden && qkv.len() >= len * stride && ctx.len() >= len * hidden,
        "attention shapes"
    );
    if len == 0 {
        return;
    }
    let scale = 1.0 / (dh as f32).sqrt();
    s.scores.clear();
    s.scores.resize(len * len, 0.0);
    for head in 0..heads {
        let off = head * dh;
        s.keys.pack_rows(&qkv[hidden + off..], stride, len, dh);
        s.keys
            .multiply(&qkv[off..], stride, len, &mut s.scores, len, None);
        for row in s.scores.chunks_exact_mut(len) {
            math::softmax_scaled(row, scale);
        }
        s.values
            .pack_columns(&qkv[2 * hidden + off..], stride, dh, len);
        s.values
            .multiply(&s.scores, len, len, &mut ctx[off..], hidden, None);
    }
}

/// The plain definition, for tests.
pub fn reference(qkv: &[f32], len: usize, hidden: usize, heads: usize) -> Vec<f32> {
    let dh = hidden / heads;
    let stride = 3 * hidden;
    let scale = 1.0 / (dh as f32).sqrt();
    let mut ctx = vec![0f32; len * hidden];
    for head in 0..heads {
        let off = head * dh;
        for i in 0..len {
            let mut p: Vec<f32> = (0..len)
                .map(|j| {
                    let mut acc = 0f32;
                    for d in 0..dh {
                        acc += qkv[i * stride + off + d] * qkv[j * stride + hidden + off + d];
                    }
                    acc
                })
                .collect();
            math::softmax_scaled_reference(&mut p, scale);
            for c in 0..dh {
                let mut acc = 0f32;
                for (j, &pj) in p.iter().enumerate() {
                    acc += pj * qkv[j * stride + 2 * hidden + off + c];
                }
                ctx[i * hidden + off + c] = acc;
            }
        }
    }
    ctx
}
