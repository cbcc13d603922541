//! f32 safetensors → the int8 weights file, deterministically (same bytes every run, on every
//! platform: only IEEE +, ×, ÷ and floor; tensors and header keys in sorted order).
//!
//! Linear weights and the word-embedding table become int8 with one scale per row (per output
//! channel / per token), symmetric in -127..=127; everything else stays f32. The pooler and any
//! tensor the encoder does not read are dropped.

use std::collections::BTreeMap;

use super::tensors::{
    format_bits, Matrix, Tensors, ACTIVATION_BITS_KEY, FORMAT_KEY, INPUT_SCALE, INT8_FORMAT,
    SCALE_SUFFIX,
};
use super::{BertConfig, Encoder};
use crate::embed::{sha256_hex, EmbedError};

/// Activation widths of the int8 model, per linear layer of a block: q/k/v, attention output,
/// FFN in, FFN out. All 7 bits, what the relaxed-SIMD kernel needs. q/k/v read a layer norm's
/// output, whose outlier channels would need 8 bits (min cosine 0.9917 at 7) without the
/// smoothing below (0.9971; 8 bits into q/k/v and no smoothing gave 0.9953).
pub const ACTIVATION_BITS: [u8; 4] = [7, 7, 7, 7];

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
    let smoothing = smoothing(&t, &config, weights)?;
    for (name, exps) in &smoothing.input_scales {
        out.insert(
            name.clone(),
            (vec![h], Data::F32(exps.iter().map(|&e| pow2(-e)).collect())),
        );
    }
    for (name, rows, cols, has_bias) in linear {
        let Matrix::F32(mut w) = t.matrix(&format!("{name}.weight"), rows, cols)? else {
            unreachable!("f32 file");
        };
        if let Some(exps) = smoothing.weight_exponents.get(&name) {
            for row in w.chunks_exact_mut(cols) {
                for (v, &e) in row.iter_mut().zip(exps) {
                    *v *= pow2(e);
                }
            }
        }
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

/// Per-channel exponents: each input scale tensor's (the activation is multiplied by 2^-e) and
/// each smoothed layer's (its weights' columns by 2^e).
struct Smoothing {
    input_scales: BTreeMap<String, Vec<i32>>,
    weight_exponents: BTreeMap<String, Vec<i32>>,
}

/// 2^e, exactly.
fn pow2(e: i32) -> f32 {
    f32::from_bits(((127 + e) as u32) << 23)
}

/// SmoothQuant's migration strength α (Xiao et al. 2023): how much of an outlier channel's range
/// moves from the activation into the weights. Chosen on the 1000-sentence fixtures with 7-bit
/// activations everywhere, smoothing q/k/v only: min cosine 0.99172 unsmoothed, 0.99427 at
/// α = 0.5, 0.99554 at 0.7; smoothing the FFN's input too at 0.7: 0.99709 (mean 0.99864).
const SMOOTHING_ALPHA: f32 = 0.7;
/// Bound on the exponents: a channel is scaled by at most 2^±4.
const SMOOTHING_MAX_EXPONENT: i32 = 4;

/// Per block and per input channel of the two layers that read a layer norm (q/k/v and the FFN's
/// first): the exponent e such that the activation is multiplied by 2^-e and the weights' column
/// by 2^e, so the layer norm's outlier channels (a few of the 384 reach 5× the median) no longer
/// set every row's quantisation range and 7-bit activations suffice — what lets the relaxed-SIMD
/// dot product run every layer. Powers of two change no rounding in either multiplication.
/// e = round(α·log₂ act_max − (1−α)·log₂ w_max), less its median over the channels.
fn smoothing(t: &Tensors, config: &BertConfig, weights: &[u8]) -> Result<Smoothing, EmbedError> {
    let h = config.hidden_size;
    let encoder = Encoder::load(weights, config)?;
    let calibration = calibration_ids(config);
    let calibration: Vec<&[u32]> = calibration.iter().map(Vec::as_slice).collect();
    let activation_max = encoder.layer_norm_output_max(&calibration);
    let mut out = Smoothing {
        input_scales: BTreeMap::new(),
        weight_exponents: BTreeMap::new(),
    };
    let groups: [&[&str]; 2] = [
        &[
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
        ],
        &["intermediate.dense"],
    ];
    for (l, acts) in activation_max.iter().enumerate() {
        for ((parts, act), scale_name) in groups.iter().zip(acts).zip(INPUT_SCALE) {
            let mut w_max = vec![0f32; h];
            for part in *parts {
                let rows = if *part == "intermediate.dense" {
                    config.intermediate_size
                } else {
                    h
                };
                let Matrix::F32(m) =
                    t.matrix(&format!("encoder.layer.{l}.{part}.weight"), rows, h)?
                else {
                    unreachable!("f32 file");
                };
                for row in m.chunks_exact(h) {
                    for (wj, v) in w_max.iter_mut().zip(row) {
                        *wj = wj.max(v.abs());
                    }
                }
            }
            let exps = exponents(act, &w_max);
            for part in *parts {
                out.weight_exponents
                    .insert(format!("encoder.layer.{l}.{part}"), exps.clone());
            }
            out.input_scales
                .insert(format!("encoder.layer.{l}.{scale_name}"), exps);
        }
    }
    Ok(out)
}

fn exponents(act_max: &[f32], w_max: &[f32]) -> Vec<i32> {
    let balance: Vec<f32> = act_max
        .iter()
        .zip(w_max)
        .map(|(&a, &w)| SMOOTHING_ALPHA * log2(a) - (1.0 - SMOOTHING_ALPHA) * log2(w))
        .collect();
    let mut sorted = balance.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    balance
        .iter()
        .map(|b| {
            ((b - median + 0.5).floor() as i32)
                .clamp(-SMOOTHING_MAX_EXPONENT, SMOOTHING_MAX_EXPONENT)
        })
        .collect()
}

/// log₂ with IEEE +, −, ×, ÷ only (the platform's `ln` may differ by an ulp between the CLI and
/// wasm, and the int8 file must be the same bytes on both): exponent bits plus an atanh series
/// on the mantissa, |error| < 1e-6. Zero, subnormal and non-finite inputs count as 2^-126.
fn log2(x: f32) -> f32 {
    let x = if x.is_normal() {
        x.abs()
    } else {
        f32::MIN_POSITIVE
    };
    let bits = x.to_bits();
    let exponent = ((bits >> 23) & 0xff) as i32 - 127;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let series =
        t * (2.0 + t2 * (2.0 / 3.0 + t2 * (2.0 / 5.0 + t2 * (2.0 / 7.0 + t2 * (2.0 / 9.0)))));
    exponent as f32 + series / std::f32::consts::LN_2
}

/// Calibration input: 64 fixed pseudo-random sequences of 64 token ids (SplitMix64). The outlier
/// channels are the model's own (the same few channels in every block, whatever the text), so
/// random tokens find them without a tokenizer or a corpus; on STS-B sentences instead, the
/// fixtures' min cosine comes out no better (0.99458 at α = 0.7).
fn calibration_ids(config: &BertConfig) -> Vec<Vec<u32>> {
    let mut next = crate::rng::splitmix64(0x005e_ed0f_da7a_u64);
    let vocab = config.vocab_size as u64;
    let len = config.max_position_embeddings.min(64);
    (0..64)
        .map(|_| (0..len).map(|_| (next() % vocab) as u32).collect())
        .collect()
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
    fn log2_is_exact_on_powers_of_two_and_close_elsewhere() {
        for e in -126..=127 {
            assert_eq!(log2(pow2(e)), e as f32);
        }
        let mut x = 1e-30f32;
        while x < 1e30 {
            let expected = (x as f64).log2();
            assert!(
                (log2(x) as f64 - expected).abs() < 2e-6 * expected.abs().max(1.0),
                "{x}"
            );
            x *= 1.37;
        }
        assert_eq!(log2(0.0), -126.0);
        assert_eq!(log2(f32::NAN), -126.0);
    }

    #[test]
    fn exponents_move_outliers_into_the_weights_by_powers_of_two() {
        // Channel 0 is an activation outlier (16× the rest), channel 2 a weight outlier.
        let act = [16.0, 1.0, 1.0, 1.0, 1.0];
        let w = [1.0, 1.0, 16.0, 1.0, 1.0];
        let e = exponents(&act, &w);
        // α·log₂16 = 2.8 → 3; −(1−α)·log₂16 = −1.2 → −1; the median channel stays.
        assert_eq!(e, vec![3, 0, -1, 0, 0]);
        let huge = exponents(&[1e30, 1.0, 1.0], &[1.0; 3]);
        assert_eq!(huge[0], SMOOTHING_MAX_EXPONENT, "clamped");
    }

    #[test]
    fn per_row_quantisation_is_symmetric_and_bounded() {
        let (q, s) = quantize_per_row(&[1.0, -0.5, 0.25, 0.0, 0.0, 0.0, -2.0, 2.0, 1.0], 3);
        assert_eq!(&q[..3], &[127, -64, 32]);
        assert_eq!(&q[3..6], &[0, 0, 0]);
        assert_eq!(&q[6..], &[-127, 127, 64]);
        assert_eq!(s, vec![1.0 / 127.0, 0.0, 2.0 / 127.0]);
    }
}
