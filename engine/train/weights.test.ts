import { describe, expect, it } from 'vitest';
import { inferNetwork, type Weights } from '../core';
import { loadTemplate } from '../../templates';
import { checkWeightsFit, decodeWeights, encodeWeights, WeightsError } from './weights';

const net = inferNetwork(loadTemplate('mlp'));
const params = net.parameters;
// Real-looking values for every parameter of the template (the codec does not care where they came from).
const good = (): Weights =>
  encodeWeights(
    Object.fromEntries(
      params.map((p) => {
        const n = p.shape.reduce((a, b) => a * b, 1);
        return [p.name, { shape: p.shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i) / 10) }];
      }),
    ),
  );

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WeightsError);
    expect((e as Error).message).not.toContain('\n');
    return (e as WeightsError).code;
  }
  throw new Error('expected a WeightsError');
};

describe('weights in project files', () => {
  it('round-trips every parameter exactly', () => {
    const w = good();
    const back = decodeWeights(w, params);
    for (const p of params) expect(back[p.name].shape).toEqual(p.shape);
    expect(back[params[0].name].data[1]).toBeCloseTo(Math.sin(1) / 10, 6);
  });

  it('refuses damaged weights with a code naming the tensor', () => {
    const name = params[0].name;
    const truncated = good();
    truncated[name] = { ...truncated[name], data: truncated[name].data.slice(0, 400) };
    expect(codeOf(() => decodeWeights(truncated))).toBe('E_WEIGHTS_CORRUPT');

    const notBase64 = good();
    notBase64[name] = { ...notBase64[name], data: '#not base64#'.repeat(4) };
    expect(codeOf(() => decodeWeights(notBase64))).toBe('E_WEIGHTS_CORRUPT');

    const missing = good();
    delete missing[params[1].name];
    expect(codeOf(() => checkWeightsFit(missing, params))).toBe('E_WEIGHTS_MISSING');

    const wrongShape = good();
    wrongShape[name] = { ...wrongShape[name], shape: [...wrongShape[name].shape].reverse() };
    expect(codeOf(() => decodeWeights(wrongShape, params))).toBe('E_WEIGHTS_SHAPE');
  });

  it('refuses NaN and infinite values, which would make every prediction NaN', () => {
    const w = good();
    const p = params[0];
    const n = p.shape.reduce((a, b) => a * b, 1);
    w[p.name] = encodeWeights({ x: { shape: p.shape, data: new Float32Array(n).fill(NaN) } }).x;
    expect(codeOf(() => decodeWeights(w))).toBe('E_WEIGHTS_NONFINITE');
    const one = new Float32Array(n);
    one[7] = Infinity;
    w[p.name] = encodeWeights({ x: { shape: p.shape, data: one } }).x;
    expect(() => decodeWeights(w)).toThrow(/1 of \d+ values are NaN or infinite/);
  });
});
