// Generated from valuation-core's ModelSpec by crates/valuation-core/tests/typescript.rs. Do not edit.
export const MODEL_SPEC = {
  "baseUrl": "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/",
  "files": {
    "config": "config.json",
    "int8Weights": "model.int8.safetensors",
    "tokenizer": "tokenizer.json",
    "weights": "model.safetensors"
  },
  "id": "sentence-transformers/all-MiniLM-L6-v2",
  "maxTokens": 256,
  "sha256": {
    "int8Weights": "6d408679e4f9f6a34456cef2b3eb85a8458d89228b38c57609febb323f5ad967",
    "weights": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
  }
};
