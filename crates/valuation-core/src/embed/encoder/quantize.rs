//! f32 safetensors → the int8 weights file, deterministically (same bytes every run, on every
//! platform: only IEEE +, ×, ÷ and floor; tensors and header keys in sorted order).
//!
//! Linear weights and the word-embedding table become int8 with one scale per row (per output
//! channel / per token), symmetric in -127..=127; everything else stays f32. The pooler and any
//! tensor the encoder does not read are dropped.

use std::collections::BTreeMap;

use super::tensors::{
    format_bits, Matrix, Tensors, ACTIVATION_BITS_KEY, FORMAT_KEY, INT8_FORMAT, SCALE_SUFFIX,
};
use super::BertConfig;
use crate::embed::{sha256_hex, EmbedError};

/// Activation widths of the int8 model, per linear layer of a block: q/k/v, attention output,
/// FFN in, FFN out. q/k/v read the layer norm's output, whose outlier channels need 8 bits; the
/// other three take 7 bits (what the relaxed-SIMD kernel needs) at a small cost: min cosine
/// 0.9953 vs 0.9976 with 8 bits everywhere (`kernels/quantize_rows.rs`).
pub const ACTIVATION_BITS: [u8; 4] = [8, 7, 7, 7];

enum Data {
    F32(Vec<f32>),
    I8(Vec<i8>),
}

/// The int8 weights file for the f32 `weights` of the model described by `config_json`.
pub fn quantize_weights(config_json: &[u8], weights: &[u8]) -> Result<Vec<u8>, EmbedError> {
    let config = BertConfig::parse(config_json)?;
    let t = Tensors::parse(weights)?;
    if t.is_int8() {
        return Err(EmbedError::InvalidWeights(
            "these weights are already int8".into(),
        ));
    }
    let (h, i) = (config.hidden_size, config.intermediate_size);
    let mut out: BTreeMap<String, (Vec<usize>, Data)> = BTreeMap::new();
    let mut copy = |name: &str, shape: &[usize]| -> Result<(), EmbedError> {
        out.insert(
            name.to_string(),
            (shape.to_vec(), Data::F32(t.f32(name, shape)?)),
        );
        Ok(())
    };
    copy(
        "embeddings.position_embeddings.weight",
        &[config.max_position_embeddings, h],
    )?;
    copy(
        "embeddings.token_type_embeddings.weight",
        &[config.type_vocab_size, h],
    )?;
    for p in ["weight", "bias"] {
        copy(&format!("embeddings.LayerNorm.{p}"), &[h])?;
    }
    let mut linear = vec![(
        "embeddings.word_embeddings".to_string(),
        config.vocab_size,
        h,
        false,
    )];
    for l in 0..config.num_hidden_layers {
        let p = format!("encoder.layer.{l}");
        for name in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ] {
            linear.push((format!("{p}.{name}"), h, h, true));
        }
        linear.push((format!("{p}.intermediate.dense"), i, h, true));
        linear.push((format!("{p}.output.dense"), h, i, true));
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            for q in ["weight", "bias"] {
                copy(&format!("{p}.{norm}.{q}"), &[h])?;
            }
        }
    }
    for (name, rows, cols, has_bias) in linear {
        let Matrix::F32(w) = t.matrix(&format!("{name}.weight"), rows, cols)? else {
            unreachable!("f32 file");
        };
        let (q, scales) = quantize_per_row(&w, cols);
        out.insert(format!("{name}.weight"), (vec![rows, cols], Data::I8(q)));
        out.insert(
            format!("{name}.weight{SCALE_SUFFIX}"),
            (vec![rows], Data::F32(scales)),
        );
        if has_bias {
            out.insert(
                format!("{name}.bias"),
                (
                    vec![rows],
                    Data::F32(t.f32(&format!("{name}.bias"), &[rows])?),
                ),
            );
        }
    }
    Ok(write_safetensors(&out, &sha256_hex(weights)))
}

/// Symmetric per-row int8: `scale = max|w| / 127`, `q = round(w / scale)`, ties away from zero.
pub fn quantize_per_row(w: &[f32], cols: usize) -> (Vec<i8>, Vec<f32>) {
    let mut q = Vec::with_capacity(w.len());
    let mut scales = Vec::with_capacity(w.len() / cols.max(1));
    for row in w.chunks_exact(cols.max(1)) {
        let max = row
            .iter()
            .fold(0f32, |m, v| if v.abs() > m { v.abs() } else { m });
        if max.is_nan() || max <= 0.0 || max.is_infinite() {
            q.extend(std::iter::repeat_n(0i8, row.len()));
            scales.push(0.0);
            continue;
        }
        let inv = 127.0 / max;
        q.extend(row.iter().map(|&v| {
            let r = (v.abs() * inv + 0.5).floor().min(127.0) as i8;
            if v < 0.0 {
                -r
            } else {
                r
            }
        }));
        scales.push(max / 127.0);
    }
    (q, scales)
}

fn write_safetensors(
    tensors: &BTreeMap<String, (Vec<usize>, Data)>,
    source_sha256: &str,
) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut meta = serde_json::Map::new();
    meta.insert(FORMAT_KEY.into(), INT8_FORMAT.into());
    meta.insert("source_sha256".into(), source_sha256.into());
    meta.insert(
        ACTIVATION_BITS_KEY.into(),
        format_bits(&ACTIVATION_BITS).into(),
    );
    header.insert("__metadata__".into(), meta.into());
    let mut data = Vec::new();
    for (name, (shape, d)) in tensors {
        let start = data.len();
        let dtype = match d {
            Data::F32(v) => {
                v.iter()
                    .for_each(|x| data.extend_from_slice(&x.to_le_bytes()));
                "F32"
            }
            Data::I8(v) => {
                data.extend(v.iter().map(|&x| x as u8));
                "I8"
            }
        };
        header.insert(
            name.clone(),
            serde_json::json!({ "dtype": dtype, "shape": shape, "data_offsets": [start, data.len()] }),
        );
    }
    let mut json = serde_json::to_vec(&serde_json::Value::Object(header)).expect("plain JSON");
    // Pad the header with spaces so the data starts 8-byte aligned, as safetensors writers do.
    while (8 + json.len()) % 8 != 0 {
        json.push(b' ');
    }
    let mut file = Vec::with_capacity(8 + json.len() + data.len());
    file.extend_from_slice(&(json.len() as u64).to_le_bytes());
    file.extend_from_slice(&json);
    file.extend_from_slice(&data);
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_row_quantisation_is_symmetric_and_bounded() {
        let (q, s) = quantize_per_row(&[1.0, -0.5, 0.25, 0.0, 0.0, 0.0, -2.0, 2.0, 1.0], 3);
        assert_eq!(&q[..3], &[127, -64, 32]);
        assert_eq!(&q[3..6], &[0, 0, 0]);
        assert_eq!(&q[6..], &[-127, 127, 64]);
        assert_eq!(s, vec![1.0 / 127.0, 0.0, 2.0 / 127.0]);
    }
}
