//! A linear layer in either precision, and a layer norm's parameters.

use super::tensors::Matrix;
use crate::embed::EmbedError;
use crate::kernels::gemm_f32::PackedF32;
use crate::kernels::gemm_i8::PackedI8;

pub struct Norm {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
}

pub enum Linear {
    F32(PackedF32),
    /// With the largest value its input is quantised to (255 or 127).
    I8(PackedI8, u8),
}

impl Linear {
    /// One layer from several with the same input, outputs side by side (q, k and v become one
    /// `k × 3h` product that reads the input once).
    pub fn fuse(parts: Vec<(Matrix, Vec<f32>)>, k: usize, qmax: u8) -> Result<Linear, EmbedError> {
        let n: usize = parts.iter().map(|(_, b)| b.len()).sum();
        let mut bias = Vec::with_capacity(n);
        let int8 = matches!(parts.first(), Some((Matrix::I8 { .. }, _)));
        let (mut wf, mut wq, mut scales) = (Vec::new(), Vec::new(), Vec::new());
        for (m, b) in parts {
            bias.extend_from_slice(&b);
            match m {
                Matrix::F32(w) if !int8 => wf.extend_from_slice(&w),
                Matrix::I8 { q, scales: s } if int8 => {
                    wq.extend_from_slice(&q);
                    scales.extend_from_slice(&s);
                }
                _ => {
                    return Err(EmbedError::InvalidWeights(
                        "mixed f32 and int8 parts".into(),
                    ))
                }
            }
        }
        Ok(if int8 {
            Linear::I8(PackedI8::new(&wq, &scales, &bias, n, k), qmax)
        } else {
            Linear::F32(PackedF32::new(&wf, &bias, n, k))
        })
    }
}
