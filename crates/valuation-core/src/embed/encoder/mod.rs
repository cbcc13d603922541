//! The BERT encoder of all-MiniLM-L6-v2 written for this job: no tensors, no padding, buffers
//! reused across layers and calls, weights packed for the kernels once at load time.
//!
//! A batch's texts are laid end to end (no padding tokens at all): the linear layers see every
//! token of the batch as one matrix, attention runs per text and per head over that text's own
//! rows. Each token's row is computed the same way whatever its batch-mates, so a text's vector
//! does not depend on how texts were batched or split across workers — bit for bit.

mod config;
mod layers;
mod profile;
pub mod quantize;
mod tensors;

pub use config::BertConfig;
pub(crate) use profile::Profiler;
pub use profile::{Op, Profile};
pub use tensors::INT8_FORMAT;

use crate::embed::{EmbedError, Precision};
use crate::kernels::attention::{self, AttentionScratch};
use crate::kernels::math;
use crate::kernels::quantize_rows::QuantRows;
use layers::{Linear, Norm};
use tensors::{Matrix, Tensors, INPUT_SCALE};

struct Dims {
    hidden: usize,
    heads: usize,
    inter: usize,
    eps: f32,
}

struct Embeddings {
    words: Matrix,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    norm: Norm,
}

struct Layer {
    qkv: Linear,
    /// Smoothed int8 files: a power of two per input channel that q/k/v's input is multiplied
    /// by before quantisation (the weights' columns were multiplied by its inverse), so the
    /// layer norm's outlier channels stop setting every row's range (`quantize.rs`).
    qkv_input_scale: Option<Vec<f32>>,
    /// The same for the FFN's first layer, which reads the other layer norm.
    ffn_in_input_scale: Option<Vec<f32>>,
    attn_out: Linear,
    norm1: Norm,
    ffn_in: Linear,
    ffn_out: Linear,
    norm2: Norm,
}

pub struct Encoder {
    dims: Dims,
    embeddings: Embeddings,
    layers: Vec<Layer>,
    precision: Precision,
}

/// Working memory of one forward pass, kept between calls so steady state allocates nothing.
#[derive(Default)]
pub struct Scratch {
    x: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    inter: Vec<f32>,
    attention: AttentionScratch,
    quant: QuantRows,
    smoothed: Vec<f32>,
    /// The block being run (calibration records per block).
    layer: usize,
    /// When set, the largest |value| per channel entering each block's q/k/v and FFN
    /// (calibration).
    input_max: Option<Vec<[Vec<f32>; 2]>>,
    pub(crate) profiler: Option<Profiler>,
}

impl Scratch {
    #[inline]
    fn mark(&mut self, op: Op) {
        if let Some(p) = &mut self.profiler {
            p.mark(op);
        }
    }
}

impl Encoder {
    pub fn load(weights: &[u8], config: &BertConfig) -> Result<Self, EmbedError> {
        let t = Tensors::parse(weights)?;
        let (h, i) = (config.hidden_size, config.intermediate_size);
        let norm = |name: &str| -> Result<Norm, EmbedError> {
            Ok(Norm {
                gamma: t.f32(&format!("{name}.weight"), &[h])?,
                beta: t.f32(&format!("{name}.bias"), &[h])?,
            })
        };
        let words = t.matrix("embeddings.word_embeddings.weight", config.vocab_size, h)?;
        let embeddings = Embeddings {
            words,
            positions: t.f32(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, h],
            )?,
            token_type: t.f32(
                "embeddings.token_type_embeddings.weight",
                &[config.type_vocab_size, h],
            )?[..h]
                .to_vec(),
            norm: norm("embeddings.LayerNorm")?,
        };
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for l in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            let linear =
                |names: &[&str], n: usize, k: usize, which: usize| -> Result<Linear, EmbedError> {
                    let mut parts = Vec::new();
                    for name in names {
                        parts.push((
                            t.matrix(&format!("{p}.{name}.weight"), n, k)?,
                            t.f32(&format!("{p}.{name}.bias"), &[n])?,
                        ));
                    }
                    Linear::fuse(parts, k, t.activation_max().map_or(0, |a| a[which]))
                };
            layers.push(Layer {
                qkv: linear(
                    &[
                        "attention.self.query",
                        "attention.self.key",
                        "attention.self.value",
                    ],
                    h,
                    h,
                    0,
                )?,
                qkv_input_scale: t.optional_f32(&format!("{p}.{}", INPUT_SCALE[0]), &[h])?,
                ffn_in_input_scale: t.optional_f32(&format!("{p}.{}", INPUT_SCALE[1]), &[h])?,
                attn_out: linear(&["attention.output.dense"], h, h, 1)?,
                norm1: norm(&format!("{p}.attention.output.LayerNorm"))?,
                ffn_in: linear(&["intermediate.dense"], i, h, 2)?,
                ffn_out: linear(&["output.dense"], h, i, 3)?,
                norm2: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Encoder {
            dims: Dims {
                hidden: h,
                heads: config.num_attention_heads,
                inter: i,
                eps: config.layer_norm_eps as f32,
            },
            embeddings,
            layers,
            precision: if t.is_int8() {
                Precision::Int8
            } else {
                Precision::F32
            },
        })
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Mean-pooled, unit-length vectors of `texts` (token ids, `[CLS]` … `[SEP]`), in order.
    pub fn embed(&self, texts: &[&[u32]], s: &mut Scratch) -> Vec<Vec<f32>> {
        let h = self.dims.hidden;
        let m: usize = texts.iter().map(|t| t.len()).sum();
        if let Some(p) = &mut s.profiler {
            p.restart();
        }
        self.embed_tokens(texts, s);
        s.mark(Op::Embeddings);
        for (l, layer) in self.layers.iter().enumerate() {
            s.layer = l;
            self.layer(layer, texts, m, s);
        }
        let mut out = Vec::with_capacity(texts.len());
        let mut row = 0;
        for t in texts {
            out.push(super::pooling::mean_l2(
                &s.x[row * h..(row + t.len()) * h],
                h,
            ));
            row += t.len();
        }
        s.mark(Op::Pooling);
        out
    }

    /// The largest |value| of each channel entering each block's q/k/v (`[0]`) and FFN (`[1]`)
    /// over `texts`: what `quantize` calibrates the input scales on.
    pub fn layer_norm_output_max(&self, texts: &[&[u32]]) -> Vec<[Vec<f32>; 2]> {
        let zeros = vec![0.0; self.dims.hidden];
        let mut s = Scratch {
            input_max: Some(vec![[zeros.clone(), zeros]; self.layers.len()]),
            ..Default::default()
        };
        for batch in texts.chunks(8) {
            self.embed(batch, &mut s);
        }
        s.input_max.unwrap_or_default()
    }

    fn embed_tokens(&self, texts: &[&[u32]], s: &mut Scratch) {
        let h = self.dims.hidden;
        let e = &self.embeddings;
        s.x.clear();
        for t in texts {
            for (pos, &id) in t.iter().enumerate() {
                let id = id as usize;
                let start = s.x.len();
                match &e.words {
                    Matrix::F32(w) => s.x.extend_from_slice(&w[id * h..(id + 1) * h]),
                    Matrix::I8 { q, scales } => {
                        let scale = scales[id];
                        s.x.extend(q[id * h..(id + 1) * h].iter().map(|&v| v as f32 * scale));
                    }
                }
                let row = &mut s.x[start..];
                for ((v, p), ty) in row
                    .iter_mut()
                    .zip(&e.positions[pos * h..])
                    .zip(&e.token_type)
                {
                    *v = (*v + p) + ty;
                }
                math::layer_norm(row, &e.norm.gamma, &e.norm.beta, self.dims.eps);
            }
        }
    }

    fn layer(&self, layer: &Layer, texts: &[&[u32]], m: usize, s: &mut Scratch) {
        let (h, i) = (self.dims.hidden, self.dims.inter);
        resize(&mut s.qkv, m * 3 * h);
        let input = match smooth(&layer.qkv_input_scale, 0, s) {
            true => Which::SmoothedToQkv,
            false => Which::XToQkv,
        };
        self.linear(&layer.qkv, input, m, Op::GemmQkv, s);
        resize(&mut s.ctx, m * h);
        let mut row = 0;
        for t in texts {
            attention::attend(
                &s.qkv[row * 3 * h..(row + t.len()) * 3 * h],
                &mut s.ctx[row * h..(row + t.len()) * h],
                t.len(),
                h,
                self.dims.heads,
                &mut s.attention,
            );
            row += t.len();
        }
        s.mark(Op::Attention);
        resize(&mut s.tmp, m * h);
        self.linear(&layer.attn_out, Which::CtxToTmp, m, Op::GemmAttnOut, s);
        for (x, y) in s.x.chunks_exact_mut(h).zip(s.tmp.chunks_exact(h)) {
            math::add_layer_norm(x, y, &layer.norm1.gamma, &layer.norm1.beta, self.dims.eps);
        }
        s.mark(Op::LayerNorm);
        resize(&mut s.inter, m * i);
        let input = match smooth(&layer.ffn_in_input_scale, 1, s) {
            true => Which::SmoothedToInter,
            false => Which::XToInter,
        };
        self.linear(&layer.ffn_in, input, m, Op::GemmFfnIn, s);
        math::gelu_slice(&mut s.inter);
        s.mark(Op::Gelu);
        self.linear(&layer.ffn_out, Which::InterToTmp, m, Op::GemmFfnOut, s);
        for (x, y) in s.x.chunks_exact_mut(h).zip(s.tmp.chunks_exact(h)) {
            math::add_layer_norm(x, y, &layer.norm2.gamma, &layer.norm2.beta, self.dims.eps);
        }
        s.mark(Op::LayerNorm);
    }

    /// One linear layer between two of the scratch buffers.
    fn linear(&self, layer: &Linear, input: Which, m: usize, op: Op, s: &mut Scratch) {
        let (x, y) = match input {
            Which::XToQkv => (&s.x, &mut s.qkv),
            Which::SmoothedToQkv => (&s.smoothed, &mut s.qkv),
            Which::SmoothedToInter => (&s.smoothed, &mut s.inter),
            Which::XToInter => (&s.x, &mut s.inter),
            Which::CtxToTmp => (&s.ctx, &mut s.tmp),
            Which::InterToTmp => (&s.inter, &mut s.tmp),
        };
        match layer {
            Linear::F32(l) => l.forward(x, m, y),
            Linear::I8(l, qmax) => {
                s.quant.quantize(x, m, l.k(), *qmax);
                if let Some(p) = &mut s.profiler {
                    p.mark(Op::Quantize);
                }
                l.forward(&s.quant, y);
            }
        }
        if let Some(p) = &mut s.profiler {
            p.mark(op);
        }
    }
}

#[derive(Clone, Copy)]
enum Which {
    XToQkv,
    SmoothedToQkv,
    SmoothedToInter,
    XToInter,
    CtxToTmp,
    InterToTmp,
}

/// Records `s.x` for calibration (`which`: 0 q/k/v, 1 FFN), then, if the layer has an input
/// scale, writes the scaled copy to `s.smoothed` and says so.
fn smooth(scale: &Option<Vec<f32>>, which: usize, s: &mut Scratch) -> bool {
    if let Some(max) = &mut s.input_max {
        record_max(&mut max[s.layer][which], &s.x);
    }
    let Some(scale) = scale else {
        return false;
    };
    s.smoothed.clear();
    for row in s.x.chunks_exact(scale.len()) {
        s.smoothed
            .extend(row.iter().zip(scale).map(|(&v, &c)| v * c));
    }
    true
}

fn record_max(max: &mut [f32], x: &[f32]) {
    for row in x.chunks_exact(max.len().max(1)) {
        for (m, v) in max.iter_mut().zip(row) {
            *m = m.max(v.abs());
        }
    }
}

fn resize(v: &mut Vec<f32>, len: usize) {
    v.resize(len, 0.0);
}
