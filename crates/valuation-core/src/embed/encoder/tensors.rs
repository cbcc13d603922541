//! Reading the encoder's tensors out of a safetensors file, f32 or the int8 file that
//! `valuation quantize` writes; every missing tensor, wrong shape or wrong dtype is
//! `invalid_weights`, never a panic.

use safetensors::{Dtype, SafeTensors};

use crate::embed::EmbedError;

/// The safetensors `__metadata__` key and value that mark the int8 file.
pub const FORMAT_KEY: &str = "format";
pub const INT8_FORMAT: &str = "dataunion-valuation-int8-v1";
/// Suffix of a quantised tensor's per-row scale (`<name>_scale`).
pub const SCALE_SUFFIX: &str = "_scale";
/// Metadata key: the width in bits (8 or 7) of the activations entering each linear layer of a
/// block, in order q/k/v, attention output, FFN in, FFN out — e.g. "8,7,7,7".
pub const ACTIVATION_BITS_KEY: &str = "activation_bits";

/// Largest quantised activation per linear layer of a block (q/k/v, attention out, FFN in, FFN out).
pub type ActivationMax = [u8; 4];

pub struct Tensors<'a> {
    inner: SafeTensors<'a>,
    prefix: &'static str,
    int8: Option<ActivationMax>,
}

/// An `rows × cols` matrix as stored: f32, or int8 with one f32 scale per row.
pub enum Matrix {
    F32(Vec<f32>),
    I8 { q: Vec<i8>, scales: Vec<f32> },
}

fn invalid(msg: impl Into<String>) -> EmbedError {
    EmbedError::InvalidWeights(msg.into())
}

impl<'a> Tensors<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, EmbedError> {
        let (_, meta) = SafeTensors::read_metadata(bytes).map_err(|e| invalid(e.to_string()))?;
        let metadata = meta.metadata().clone().unwrap_or_default();
        let int8 = match metadata.get(FORMAT_KEY) {
            Some(f) if f == INT8_FORMAT => Some(parse_bits(metadata.get(ACTIVATION_BITS_KEY))?),
            _ => None,
        };
        let inner = SafeTensors::deserialize(bytes).map_err(|e| invalid(e.to_string()))?;
        // Checkpoints saved from BertModel have no prefix; from a task model, "bert.".
        let prefix = if inner.tensor("embeddings.word_embeddings.weight").is_ok() {
            ""
        } else {
            "bert."
        };
        Ok(Tensors {
            inner,
            prefix,
            int8,
        })
    }

    pub fn is_int8(&self) -> bool {
        self.int8.is_some()
    }

    /// For the int8 file: the activation range of each linear layer's input.
    pub fn activation_max(&self) -> Option<ActivationMax> {
        self.int8
    }

    fn view(
        &self,
        name: &str,
        shape: &[usize],
    ) -> Result<safetensors::tensor::TensorView<'a>, EmbedError> {
        let full = format!("{}{name}", self.prefix);
        let view = self
            .inner
            .tensor(&full)
            .map_err(|_| invalid(format!("missing tensor {full}")))?;
        if view.shape() != shape {
            return Err(invalid(format!(
                "{full} has shape {:?}, expected {shape:?}",
                view.shape()
            )));
        }
        Ok(view)
    }

    /// An f32 tensor of exactly `shape`.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, EmbedError> {
        let view = self.view(name, shape)?;
        if view.dtype() != Dtype::F32 {
            return Err(invalid(format!(
                "{name} is {:?}, expected F32",
                view.dtype()
            )));
        }
        Ok(view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// A `rows × cols` matrix: int8 + scales in the int8 file, f32 otherwise.
    pub fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Matrix, EmbedError> {
        if self.int8.is_none() {
            return Ok(Matrix::F32(self.f32(name, &[rows, cols])?));
        }
        let view = self.view(name, &[rows, cols])?;
        if view.dtype() != Dtype::I8 {
            return Err(invalid(format!(
                "{name} is {:?}, expected I8",
                view.dtype()
            )));
        }
        let q: Vec<i8> = view.data().iter().map(|&b| b as i8).collect();
        if q.contains(&i8::MIN) {
            return Err(invalid(format!(
                "{name} holds -128; quantised weights are in -127..=127"
            )));
        }
        let scales = self.f32(&format!("{name}{SCALE_SUFFIX}"), &[rows])?;
        if scales.iter().any(|s| !s.is_finite() || *s < 0.0) {
            return Err(invalid(format!(
                "{name}{SCALE_SUFFIX} holds a negative or non-finite scale"
            )));
        }
        Ok(Matrix::I8 { q, scales })
    }
}

fn parse_bits(value: Option<&String>) -> Result<ActivationMax, EmbedError> {
    let value =
        value.ok_or_else(|| invalid(format!("the int8 file has no {ACTIVATION_BITS_KEY}")))?;
    let bits: Vec<&str> = value.split(',').collect();
    let mut out = [0u8; 4];
    if bits.len() != out.len() {
        return Err(invalid(format!(
            "{ACTIVATION_BITS_KEY} must list 4 widths, got {value:?}"
        )));
    }
    for (o, b) in out.iter_mut().zip(bits) {
        *o = match b.trim() {
            "8" => 255,
            "7" => 127,
            _ => {
                return Err(invalid(format!(
                    "{ACTIVATION_BITS_KEY}: widths are 8 or 7, got {value:?}"
                )))
            }
        };
    }
    Ok(out)
}

/// The metadata value for activation widths given as bit counts.
pub fn format_bits(bits: &[u8; 4]) -> String {
    bits.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}
