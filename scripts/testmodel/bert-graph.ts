// The BERT encoder as an ONNX graph with the same I/O as the Xenova feature-extraction exports:
// inputs input_ids / attention_mask / token_type_ids (int64 [batch, seq]), output last_hidden_state [batch, seq, hidden].
import { ElemType, GraphBuilder, encodeModel } from './onnx-builder.js';
import type { TestModelParams } from './params.js';
import { quantizePerColumn, quantizePerTensor } from './quantize.js';
import type { BertWeights, EncoderLayerWeights, LayerNormWeights, Linear } from './weights.js';

export type Precision = 'fp32' | 'q8';

class BertGraph {
  readonly g = new GraphBuilder();
  constructor(
    private readonly p: TestModelParams,
    private readonly precision: Precision,
  ) {}

  linear(x: string, l: Linear, name: string): string {
    const g = this.g;
    const bias = g.init(`${name}.bias`, [l.outFeatures], l.b);
    if (this.precision === 'fp32') {
      const w = g.init(`${name}.weight`, [l.inFeatures, l.outFeatures], l.w);
      return g.op1('Add', [g.op1('MatMul', [x, w]), bias]);
    }
    // DynamicQuantizeLinear + MatMulInteger, as onnxruntime's dynamic quantiser emits for MatMul.
    const qw = quantizePerColumn(l.w, l.inFeatures, l.outFeatures);
    const w = g.init(`${name}.weight_quantized`, [l.inFeatures, l.outFeatures], qw.q);
    const wScale = g.init(`${name}.weight_scale`, [l.outFeatures], qw.scale);
    const wZero = g.init(`${name}.weight_zero_point`, [l.outFeatures], qw.zeroPoint);
    const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
    const acc = g.op1('MatMulInteger', [xq, w, xZero, wZero]);
    const accF = g.op1('Cast', [acc], { to: { i: ElemType.FLOAT } });
    const scale = g.op1('Mul', [xScale, wScale]);
    return g.op1('Add', [g.op1('Mul', [accF, scale]), bias]);
  }

  layerNorm(x: string, ln: LayerNormWeights, name: string): string {
    const gamma = this.g.init(`${name}.weight`, [this.p.hidden], ln.gamma);
    const beta = this.g.init(`${name}.bias`, [this.p.hidden], ln.beta);
    return this.g.op1('LayerNormalization', [x, gamma, beta], { axis: { i: -1 }, epsilon: { f: 1e-12 } });
  }

  /** Word-embedding lookup; the q8 variant stores the 250k-row table as int8 and dequantises after Gather. */
  wordEmbedding(ids: string, table: Float32Array): string {
    const g = this.g;
    const dims = [this.p.vocabSize, this.p.hidden];
    if (this.precision === 'fp32') return g.op1('Gather', [g.init('embeddings.word_embeddings.weight', dims, table), ids]);
    const q = quantizePerTensor(table);
    const w = g.init('embeddings.word_embeddings.weight_quantized', dims, q.q);
    const s = g.init('embeddings.word_embeddings.weight_scale', [], q.scale);
    const z = g.init('embeddings.word_embeddings.weight_zero_point', [], q.zeroPoint);
    return g.op1('DequantizeLinear', [g.op1('Gather', [w, ids]), s, z]);
  }

  embeddings(w: BertWeights): string {
    const g = this.g;
    const words = this.wordEmbedding('input_ids', w.word);
    // position ids 0..seq-1, computed from the input shape so any sequence length works
    const one = g.init('const.one_i64', [], BigInt64Array.of(1n));
    const seqLen = g.op1('Gather', [g.op1('Shape', ['input_ids']), one]);
    const positionIds = g.op1('Range', [g.init('const.zero_i64', [], BigInt64Array.of(0n)), seqLen, one]);
    const posTable = g.init('embeddings.position_embeddings.weight', [this.p.maxPositions, this.p.hidden], w.position);
    const positions = g.op1('Gather', [posTable, positionIds]);
    const typeTable = g.init('embeddings.token_type_embeddings.weight', [2, this.p.hidden], w.tokenType);
    const types = g.op1('Gather', [typeTable, 'token_type_ids']);
    const sum = g.op1('Add', [g.op1('Add', [words, positions]), types]);
    return this.layerNorm(sum, w.embLn, 'embeddings.LayerNorm');
  }

  /** [batch, seq] 0/1 mask -> additive [batch, 1, 1, seq] bias: 0 for real tokens, -10000 for padding. */
  attentionBias(): string {
    const g = this.g;
    const mask = g.op1('Cast', ['attention_mask'], { to: { i: ElemType.FLOAT } });
    const expanded = g.op1('Unsqueeze', [mask, g.ints('const.axes_1_2', [1, 2])]);
    const inverted = g.op1('Sub', [g.scalarF('const.onef', 1), expanded]);
    return g.op1('Mul', [inverted, g.scalarF('const.mask_value', -10000)]);
  }

  splitHeads(x: string, perm: number[]): string {
    const shape = this.g.ints('const.heads_shape', [0, 0, this.p.heads, this.p.hidden / this.p.heads]);
    return this.g.op1('Transpose', [this.g.op1('Reshape', [x, shape])], { perm: { ints: perm } });
  }

  selfAttention(x: string, bias: string, l: EncoderLayerWeights, name: string): string {
    const g = this.g;
    const q = this.splitHeads(this.linear(x, l.q, `${name}.attention.self.query`), [0, 2, 1, 3]);
    const k = this.splitHeads(this.linear(x, l.k, `${name}.attention.self.key`), [0, 2, 3, 1]);
    const v = this.splitHeads(this.linear(x, l.v, `${name}.attention.self.value`), [0, 2, 1, 3]);
    const scale = g.scalarF(`${name}.attention.scale`, 1 / Math.sqrt(this.p.hidden / this.p.heads));
    const scores = g.op1('Add', [g.op1('Mul', [g.op1('MatMul', [q, k]), scale]), bias]);
    const probs = g.op1('Softmax', [scores], { axis: { i: -1 } });
    const context = g.op1('Transpose', [g.op1('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } });
    const merged = g.op1('Reshape', [context, g.ints('const.merge_shape', [0, 0, this.p.hidden])]);
    return this.linear(merged, l.attnOut, `${name}.attention.output.dense`);
  }

  /** Exact (erf) GELU, as in BERT; onnxruntime fuses this pattern into its Gelu kernel. */
  gelu(x: string): string {
    const g = this.g;
    const erf = g.op1('Erf', [g.op1('Div', [x, g.scalarF('const.sqrt2', Math.SQRT2)])]);
    return g.op1('Mul', [g.op1('Mul', [x, g.op1('Add', [erf, g.scalarF('const.onef', 1)])]), g.scalarF('const.half', 0.5)]);
  }

  layer(x: string, bias: string, l: EncoderLayerWeights, i: number): string {
    const name = `encoder.layer.${i}`;
    const attended = this.layerNorm(this.g.op1('Add', [this.selfAttention(x, bias, l, name), x]), l.attnLn, `${name}.attention.output.LayerNorm`);
    const hidden = this.gelu(this.linear(attended, l.ffnIn, `${name}.intermediate.dense`));
    const out = this.linear(hidden, l.ffnOut, `${name}.output.dense`);
    return this.layerNorm(this.g.op1('Add', [out, attended]), l.ffnLn, `${name}.output.LayerNorm`);
  }
}

export function buildBertOnnx(p: TestModelParams, w: BertWeights, precision: Precision): Uint8Array {
  const b = new BertGraph(p, precision);
  let x = b.embeddings(w);
  const bias = b.attentionBias();
  w.layers.forEach((l, i) => {
    x = b.layer(x, bias, l, i);
  });
  b.g.op1('Identity', [x], {}, 'last_hidden_state');
  const io = (name: string) => ({ name, elemType: ElemType.INT64, dims: ['batch_size', 'sequence_length'] });
  return encodeModel(
    b.g,
    [io('input_ids'), io('attention_mask'), io('token_type_ids')],
    [{ name: 'last_hidden_state', elemType: ElemType.FLOAT, dims: ['batch_size', 'sequence_length', p.hidden] }],
    `papersift-test-bert-${precision}`,
  );
}
