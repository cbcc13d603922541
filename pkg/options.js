// The user's camel-case options as the core reads them; shared by the browser and Node entries.

/** Snake-case options the core reads, from the camel-case options users pass. */
export function scoreOptions(o) {
  const out = {};
  if (o.sampleSize !== undefined) out.sample_size = o.sampleSize;
  if (o.maxBytes !== undefined) out.max_bytes = o.maxBytes;
  if (o.domain !== undefined) out.domain = o.domain;
  if (o.modelId !== undefined) out.model_id = o.modelId;
  return out;
}

/** A dataset reference given as bytes, JSON text or a parsed object, as bytes. */
export function datasetBytes(dataset) {
  if (dataset === undefined || dataset === null) return undefined;
  if (dataset instanceof Uint8Array) return dataset;
  if (dataset instanceof ArrayBuffer) return new Uint8Array(dataset);
  return new TextEncoder().encode(typeof dataset === 'string' ? dataset : JSON.stringify(dataset));
}
