// A small seeded PRNG (mulberry32) so that initialization, dropout masks and shuffles are reproducible.
// Its whole state is one uint32, which checkpoints save so that a resumed run draws the same numbers.
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(out: Float32Array, low: number, high: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.next();
    return out;
  }
  normal(out: Float32Array, mean: number, std: number): Float32Array {
    for (let i = 0; i < out.length; i += 2) {
      const u = Math.max(this.next(), 1e-12),
        v = this.next();
      const r = Math.sqrt(-2 * Math.log(u));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
      if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
    }
    return out;
  }
  /** An int seed for tfjs ops that take one (dropout). */
  int(): number {
    return Math.floor(this.next() * 2 ** 31);
  }
}
