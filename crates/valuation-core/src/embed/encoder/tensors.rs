//! Reading the encoder's tensors out of a safetensors file, f32 or the int8 file that
//! `valuation quantize` writes; every missing tensor, wrong shape or wrong dtype is
//! `invalid_weights`, never a panic.

use safetensors::{Dtype, SafeTensors};

use crate::embed::EmbedError;

/// The safetensors `__metadata__` key and value that mark the int8 file.
pub const FORMAT_KEY: &str = "format";
/// v2 adds the smoothing input scales (`INPUT_SCALE`); a reader that ignored them would compute
/// wrong vectors silently, so the name changed: a v1-only reader rejects a v2 file as not int8.
pub const INT8_FORMAT: &str = "dataunion-valuation-int8-v2";
/// The first int8 files (no smoothing, 8-bit activations into q/k/v): still read.
const INT8_FORMAT_V1: &str = "dataunion-valuation-int8-v1";
/// Suffix of a quantised tensor's per-row scale (`<name>_scale`).
pub const SCALE_SUFFIX: &str = "_scale";
/// Metadata key: the width in bits (8 or 7) of the activations entering each linear layer of a
/// block, in order q/k/v, attention output, FFN in, FFN out — e.g. "8,7,7,7".
pub const ACTIVATION_BITS_KEY: &str = "activation_bits";

/// A block's tensors (under `encoder.layer.N.`) holding the per-channel input scale of the two
/// layers that read a layer norm: q/k/v, and the FFN's first.
pub const INPUT_SCALE: [&str; 2] = ["attention.self.input_scale", "intermediate.input_scale"];

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
            Some(f) if f == INT8_FORMAT || f == INT8_FORMAT_V1 => {
                Some(parse_bits(metadata.get(ACTIVATION_BITS_KEY))?)
            }
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

    /// An f32 tensor that may be absent (`None`), with every value a finite positive power of
    /// two when present: what a per-channel input scale must be to change no rounding.
    pub fn optional_f32(
        &self,
        name: &str,
        shape: &[usize],
    ) -> Result<Option<Vec<f32>>, EmbedError> {
        let full = format!("{}{name}", self.prefix);
        if self.inner.tensor(&full).is_err() {
            return Ok(None);
        }
        let v = self.f32(name, shape)?;
        if let Some(bad) = v.iter().find(|c| !is_power_of_two(**c)) {
            return Err(invalid(format!("{name} holds {bad}, not a power of two")));
        }
        Ok(Some(v))
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

fn is_power_of_two(v: f32) -> bool {
    v.is_normal() && v > 0.0 && v.to_bits() & 0x007f_ffff == 0
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A safetensors file of one f32 tensor `name` with `values`, under `metadata` (saved from a
    /// task model: names start with "bert.").
    fn file(metadata: &[(&str, &str)], name: &str, values: &[f32]) -> Vec<u8> {
        let name = format!("bert.{name}");
        let meta: serde_json::Map<String, serde_json::Value> = metadata
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).into()))
            .collect();
        let header = serde_json::json!({
            "__metadata__": meta,
            name: { "dtype": "F32", "shape": [values.len()], "data_offsets": [0, 4 * values.len()] },
        });
        let json = serde_json::to_vec(&header).unwrap();
        let mut out = (json.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(&json);
        values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        out
    }

    const SCALE: &str = "encoder.layer.0.attention.self.input_scale";

    #[test]
    fn input_scales_must_be_powers_of_two() {
        let v2 = [(FORMAT_KEY, INT8_FORMAT), (ACTIVATION_BITS_KEY, "7,7,7,7")];
        let good = file(&v2, SCALE, &[1.0, 0.25, 8.0]);
        let t = Tensors::parse(&good).unwrap();
        assert_eq!(t.activation_max(), Some([127; 4]));
        assert_eq!(
            t.optional_f32(SCALE, &[3]).unwrap(),
            Some(vec![1.0, 0.25, 8.0])
        );
        assert_eq!(t.optional_f32("absent", &[3]).unwrap(), None);
        assert!(t.optional_f32(SCALE, &[4]).is_err(), "wrong shape");
        for bad in [3.0, 0.0, -2.0, f32::NAN, f32::INFINITY, 1e-40] {
            let hostile = file(&v2, SCALE, &[1.0, bad]);
            let err = Tensors::parse(&hostile)
                .unwrap()
                .optional_f32(SCALE, &[2])
                .unwrap_err();
            assert_eq!(err.code(), "invalid_weights", "{bad}");
        }
    }

    #[test]
    fn v1_files_are_still_int8_and_unknown_formats_are_not() {
        let v1 = file(
            &[
                (FORMAT_KEY, INT8_FORMAT_V1),
                (ACTIVATION_BITS_KEY, "8,7,7,7"),
            ],
            SCALE,
            &[1.0],
        );
        assert_eq!(
            Tensors::parse(&v1).unwrap().activation_max(),
            Some([255, 127, 127, 127])
        );
        let v9 = file(
            &[(FORMAT_KEY, "dataunion-valuation-int8-v9")],
            SCALE,
            &[1.0],
        );
        assert!(!Tensors::parse(&v9).unwrap().is_int8());
    }
}
