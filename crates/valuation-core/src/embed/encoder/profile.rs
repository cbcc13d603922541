//! Where a forward pass spends its time, per op class: measured with a clock the host passes in
//! (the core has none in wasm), natively and in the browser with the same code.

/// The encoder's op classes, in pass order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Embeddings,
    Quantize,
    GemmQkv,
    Attention,
    GemmAttnOut,
    LayerNorm,
    GemmFfnIn,
    Gelu,
    GemmFfnOut,
    Pooling,
}

impl Op {
    pub const ALL: [Op; 10] = [
        Op::Embeddings,
        Op::Quantize,
        Op::GemmQkv,
        Op::Attention,
        Op::GemmAttnOut,
        Op::LayerNorm,
        Op::GemmFfnIn,
        Op::Gelu,
        Op::GemmFfnOut,
        Op::Pooling,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Op::Embeddings => "embeddings",
            Op::Quantize => "quantize_activations",
            Op::GemmQkv => "gemm_qkv",
            Op::Attention => "attention",
            Op::GemmAttnOut => "gemm_attn_out",
            Op::LayerNorm => "layer_norm",
            Op::GemmFfnIn => "gemm_ffn_in",
            Op::Gelu => "gelu",
            Op::GemmFfnOut => "gemm_ffn_out",
            Op::Pooling => "pooling",
        }
    }
}

/// Milliseconds per op class, summed over the passes profiled.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Profile {
    pub ms: Vec<(String, f64)>,
    pub total_ms: f64,
}

pub(crate) struct Profiler {
    clock: fn() -> f64,
    last: f64,
    totals: [f64; Op::ALL.len()],
}

impl Profiler {
    pub fn new(clock: fn() -> f64) -> Self {
        Profiler {
            clock,
            last: clock(),
            totals: [0.0; Op::ALL.len()],
        }
    }

    /// Charges the time since the previous mark to `op`.
    pub fn mark(&mut self, op: Op) {
        let now = (self.clock)();
        self.totals[op as usize] += now - self.last;
        self.last = now;
    }

    pub fn restart(&mut self) {
        self.last = (self.clock)();
    }

    pub fn finish(&self) -> Profile {
        let ms: Vec<(String, f64)> = Op::ALL
            .iter()
            .map(|&op| (op.name().to_string(), self.totals[op as usize]))
            .collect();
        Profile {
            total_ms: ms.iter().map(|(_, v)| v).sum(),
            ms,
        }
    }
}
