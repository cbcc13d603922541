// Generated from valuation-core's ModelSpec by crates/valuation-core/tests/typescript.rs. Do not edit.
export const MODEL_SPEC = {
  "baseUrl": "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/",
  "bytes": {
    "config": 612,
    "int8Weights": 23489952,
    "tokenizer": 466247,
    "weights": 90868376
  },
  "files": {
    "config": "config.json",
    "int8Weights": "model.int8.safetensors",
    "tokenizer": "tokenizer.json",
    "weights": "model.safetensors"
  },
  "id": "sentence-transformers/all-MiniLM-L6-v2",
  "maxTokens": 256,
  "precisions": [
    "f32",
    "int8"
  ],
  "sha256": {
    "config": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "int8Weights": "c334242da037d2d49b8e9d75fdac8dee9289c8f2a78e009d6d7d61e242c47792",
    "tokenizer": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "weights": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
  }
};
