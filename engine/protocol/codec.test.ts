import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec';
import type { Frame } from './frame';

describe('frame codec', () => {
  it('sends frames without typed arrays as JSON text', () => {
    const f: Frame = { t: 'call', id: 1, method: 'engine/info', params: {} };
    const enc = encodeFrame(f);
    expect(typeof enc).toBe('string');
    expect(decodeFrame(enc)).toEqual(f);
  });

  it('moves typed arrays anywhere in a message into aligned binary attachments', () => {
    const f32 = new Float32Array([1.5, NaN, -0]);
    const u8 = new Uint8Array([1, 2, 3]); // odd length: the next attachment must still be aligned
    const f64 = new Float64Array([Math.PI]);
    const sub = new Int32Array([9, 8, 7, 6]).subarray(1, 3); // a view with a non-zero offset
    const f: Frame = { t: 'result', id: 3, result: { a: f32, nested: [{ u8 }, { f64, sub }], n: 1 } };
    const enc = encodeFrame(f);
    expect(enc).toBeInstanceOf(ArrayBuffer);
    // No number arrays in the JSON header: the data is in the attachments.
    expect(new TextDecoder().decode(enc as ArrayBuffer)).not.toContain('1.5');
    const dec = decodeFrame(enc) as {
      result: { a: Float32Array; nested: [{ u8: Uint8Array }, { f64: Float64Array; sub: Int32Array }] };
    };
    expect(dec.result.a).toBeInstanceOf(Float32Array);
    expect(Object.is(dec.result.a[2], -0)).toBe(true);
    expect(Number.isNaN(dec.result.a[1])).toBe(true);
    expect(Array.from(dec.result.nested[0].u8)).toEqual([1, 2, 3]);
    expect(dec.result.nested[1].f64[0]).toBe(Math.PI);
    expect(Array.from(dec.result.nested[1].sub)).toEqual([8, 7]);
    expect(dec.result.nested[1].f64.byteOffset % 8).toBe(0);
  });

  it("sends a Node Buffer as bytes (JSON.stringify would turn it into {type: 'Buffer', data} first)", () => {
    const bytes = Buffer.from([0x08, 0x07, 0x12]); // what protobufjs encodes an ONNX model into
    const dec = decodeFrame(encodeFrame({ t: 'result', id: 1, result: { files: [{ name: 'm.onnx', bytes }] } })) as {
      result: { files: { bytes: Uint8Array }[] };
    };
    expect(dec.result.files[0].bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(dec.result.files[0].bytes)).toEqual([8, 7, 18]);
  });

  it('keeps user keys that look like placeholders', () => {
    const f: Frame = {
      t: 'event',
      event: 'engine/log',
      payload: { $nlbin: 0, k: 'f32', n: 1, $nlesc: 'x', data: new Uint8Array([5]) },
    };
    const dec = decodeFrame(encodeFrame(f)) as { payload: Record<string, unknown> };
    expect(dec.payload).toMatchObject({ $nlbin: 0, k: 'f32', n: 1, $nlesc: 'x' });
    expect(dec.payload.data).toBeInstanceOf(Uint8Array);
    expect(decodeFrame(encodeFrame({ t: 'event', event: 'e', payload: { $nlbin: 1 } }))).toEqual({
      t: 'event',
      event: 'e',
      payload: { $nlbin: 1 },
    });
  });

  it('rejects truncated and foreign bytes', () => {
    const enc = encodeFrame({ t: 'result', id: 1, result: new Float32Array(16) }) as ArrayBuffer;
    expect(() => decodeFrame(enc.slice(0, enc.byteLength - 8))).toThrow(/past the end/);
    expect(() => decodeFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/magic/);
    expect(() => decodeFrame(new Uint8Array(3))).toThrow();
  });
});
