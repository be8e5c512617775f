// Int8 weight quantisation the way onnxruntime's quantize_dynamic builds the published *_quantized.onnx files:
// symmetric int8 weights with a float scale (zero point 0); activations are quantised at run time.

export interface QuantizedMatrix {
  q: Int8Array;
  /** One scale per output column (per-channel) or a single scale (per-tensor). */
  scale: Float32Array;
  zeroPoint: Int8Array;
}

function toInt8(v: number, scale: number): number {
  return Math.max(-127, Math.min(127, Math.round(v / scale)));
}

/** Per-output-column scales for a row-major [rows, cols] matrix used as x @ W. */
export function quantizePerColumn(w: Float32Array, rows: number, cols: number): QuantizedMatrix {
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w[r * cols + c]!));
  }
  const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(w.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) q[r * cols + c] = toInt8(w[r * cols + c]!, scale[c]!);
  }
  return { q, scale, zeroPoint: new Int8Array(cols) };
}

/** One scale for the whole tensor (used for the embedding table, dequantised after Gather). */
export function quantizePerTensor(w: Float32Array): QuantizedMatrix {
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
  const s = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = toInt8(w[i]!, s);
  return { q, scale: Float32Array.of(s), zeroPoint: Int8Array.of(0) };
}
