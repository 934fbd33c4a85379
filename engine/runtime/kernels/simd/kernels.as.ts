// Netloom's own wasm kernels, in AssemblyScript, for the memory-bound loops of the wasm backend's gradients.
// They run inside tfjs-backend-wasm's memory (imported, never grown or allocated here: no data, no runtime),
// on byte offsets of tensors that tfjs allocated. Built by `npm run build:kernels` into binary.ts.

/**
 * MaxPoolGrad, 2×2 windows, stride 2, no padding, H = 2·Ho and W = 2·Wo: disjoint windows tiling the input.
 * The first window position (row-major) equal to y gets dy, the others 0 (tfjs-cpu's rule); four channels at
 * a time, each position's value chosen by comparison masks, so every dx float is written exactly once.
 */
export function maxPoolGrad2x2(x: usize, y: usize, dy: usize, dx: usize, n: i32, ho: i32, wo: i32, c: i32): void {
  const rowBytes = (<usize>(2 * wo * c)) << 2;
  const cb = (<usize>c) << 2;
  const vec = c & ~3;
  let o: usize = 0;
  for (let b = 0; b < n * ho; b++) {
    let p: usize = <usize>(b * 2) * rowBytes; // top-left of the window row pair
    for (let j = 0; j < wo; j++) {
      let k = 0;
      for (; k < vec; k += 4) {
        const kb = (<usize>k) << 2;
        const t = v128.load(y + o + kb);
        const g = v128.load(dy + o + kb);
        const a0 = p + kb;
        const a1 = a0 + cb;
        const a2 = a0 + rowBytes;
        const a3 = a2 + cb;
        const m0 = f32x4.eq(v128.load(x + a0), t);
        let taken = m0;
        const m1 = v128.andnot(f32x4.eq(v128.load(x + a1), t), taken);
        taken = v128.or(taken, m1);
        const m2 = v128.andnot(f32x4.eq(v128.load(x + a2), t), taken);
        taken = v128.or(taken, m2);
        const m3 = v128.andnot(f32x4.eq(v128.load(x + a3), t), taken);
        v128.store(dx + a0, v128.and(g, m0));
        v128.store(dx + a1, v128.and(g, m1));
        v128.store(dx + a2, v128.and(g, m2));
        v128.store(dx + a3, v128.and(g, m3));
      }
      for (; k < c; k++) {
        const kb = (<usize>k) << 2;
        const t = load<f32>(y + o + kb);
        const g = load<f32>(dy + o + kb);
        const a0 = p + kb;
        const a1 = a0 + cb;
        const a2 = a0 + rowBytes;
        const a3 = a2 + cb;
        let left = true;
        if (load<f32>(x + a0) == t) {
          store<f32>(dx + a0, g);
          left = false;
        } else store<f32>(dx + a0, 0);
        if (left && load<f32>(x + a1) == t) {
          store<f32>(dx + a1, g);
          left = false;
        } else store<f32>(dx + a1, 0);
        if (left && load<f32>(x + a2) == t) {
          store<f32>(dx + a2, g);
          left = false;
        } else store<f32>(dx + a2, 0);
        if (left && load<f32>(x + a3) == t) store<f32>(dx + a3, g);
        else store<f32>(dx + a3, 0);
      }
      o += cb;
      p += cb << 1;
    }
  }
}

/**
 * MaxPoolGrad, any window, stride and padding: dx (zeroed by the caller) += dy at the first position of each
 * window equal to y. Scalar; channel-outer with an early exit.
 */
export function maxPoolGrad(
  x: usize,
  y: usize,
  dy: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  ho: i32,
  wo: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  top: i32,
  left: i32,
): void {
  let o: usize = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      const h0 = i * sh - top;
      const hs = max(0, h0);
      const he = min(h, h0 + fh);
      for (let j = 0; j < wo; j++) {
        const w0 = j * sw - left;
        const ws = max(0, w0);
        const we = min(w, w0 + fw);
        for (let k = 0; k < c; k++, o += 4) {
          const t = load<f32>(y + o);
          let found: isize = -1;
          for (let r = hs; r < he && found < 0; r++) {
            let q: usize = (<usize>(((b * h + r) * w + ws) * c + k)) << 2;
            for (let s = ws; s < we; s++, q += (<usize>c) << 2) {
              if (load<f32>(x + q) == t) {
                found = <isize>q;
                break;
              }
            }
          }
          if (found >= 0) store<f32>(dx + <usize>found, load<f32>(dx + <usize>found) + load<f32>(dy + o));
        }
      }
    }
  }
}

/**
 * out[k] = Σ_r src[r, k] over a [rows, inner] float32 matrix (Sum/Mean over leading axes), scaled by `scale`.
 * Blocks of up to 64 rows are summed in float32 registers, blocks into float64 accumulators kept in `acc`
 * (inner float64s of scratch): rows can number 10⁵, too many for a float32 running sum.
 */
export function sumRows(src: usize, rows: i32, inner: i32, acc: usize, out: usize, scale: f64): void {
  memory.fill(acc, 0, (<usize>inner) << 3);
  const vec = inner & ~3;
  const stride = (<usize>inner) << 2;
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(rows, r0 + 64);
    let k = 0;
    for (; k < vec; k += 4) {
      let s = f32x4.splat(0);
      let p = src + <usize>r0 * stride + ((<usize>k) << 2);
      for (let r = r0; r < r1; r++, p += stride) s = f32x4.add(s, v128.load(p));
      const a = acc + ((<usize>k) << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(s)));
      v128.store(a + 16, f64x2.add(v128.load(a + 16), f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1))));
    }
    for (; k < inner; k++) {
      let s: f32 = 0;
      let p = src + <usize>r0 * stride + ((<usize>k) << 2);
      for (let r = r0; r < r1; r++, p += stride) s += load<f32>(p);
      const a = acc + ((<usize>k) << 3);
      store<f64>(a, load<f64>(a) + <f64>s);
    }
  }
  for (let k = 0; k < inner; k++)
    store<f32>(out + ((<usize>k) << 2), <f32>(load<f64>(acc + ((<usize>k) << 3)) * scale));
}

/**
 * Transposed im2col of x [n, h, w, c] for a kh×kw filter: row (a, b, k) of col, n·ho·wo floats long, holds
 * x[m, i·sh + a − top, j·sw + b − left, k] (0 outside the image). Reads stride over channels; each row is
 * written in order.
 */
export function im2colT(
  x: usize,
  col: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  kh: i32,
  kw: i32,
  ho: i32,
  wo: i32,
  sh: i32,
  sw: i32,
  top: i32,
  left: i32,
): void {
  let to = col;
  const rowBytes = (<usize>wo) << 2;
  const step = (<usize>(sw * c)) << 2;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      // output columns whose input column j·sw + b − left lies inside the image
      let j0 = 0;
      while (j0 < wo && j0 * sw + b - left < 0) j0++;
      let j1 = wo;
      while (j1 > j0 && (j1 - 1) * sw + b - left >= w) j1--;
      for (let k = 0; k < c; k++) {
        for (let m = 0; m < n; m++) {
          for (let i = 0; i < ho; i++, to += rowBytes) {
            const r = i * sh + a - top;
            if (r < 0 || r >= h || j1 <= j0) {
              memory.fill(to, 0, rowBytes);
              continue;
            }
            // x[m, r, j0·sw + b − left, k]
            let from = x + ((<usize>(((m * h + r) * w + j0 * sw + b - left) * c + k)) << 2);
            if (j0 > 0) memory.fill(to, 0, (<usize>j0) << 2);
            if (c == 1 && sw == 1) memory.copy(to + ((<usize>j0) << 2), from, (<usize>(j1 - j0)) << 2);
            else for (let j = j0; j < j1; j++, from += step) store<f32>(to + ((<usize>j) << 2), load<f32>(from));
            if (j1 < wo) memory.fill(to + ((<usize>j1) << 2), 0, (<usize>(wo - j1)) << 2);
          }
        }
      }
    }
  }
}

// GEMM (issue 14): B is packed once per product (packB) into 8-column panels, each K block's panel contiguous, so
// a tile's B stream is sequential (the unpacked one walked rows 1 KiB apart: a few L1 sets) and an NC-wide block
// of it stays in L2; each thread packs a 4-row strip of A (packA, one K block: 4 KiB, L1), so a transposed A is no
// longer read at a row stride either. The tile stays 4×8: V8 gives wasm 15 xmm registers and schedules every load
// of an iteration before its arithmetic, so all broadcast A values are live at once: 8 accumulators + 2 B + 4 A +
// 1 product fill them exactly. A 5th or 6th row spills accumulators (measured 0.7–0.8× as fast), and taking the
// rows from one vector load by shuffles costs FP-pipe slots (≈1.0×).
const KC = 256;
const NC = 256;
const MR = 4;
const NR = 8;

/** Rows per K block: at most KC, the blocks of k balanced (784 → 4 × 196, never 256 + 256 + 256 + 16). */
function kBlock(k: i32): i32 {
  const blocks = (k + KC - 1) / KC;
  return (k + blocks - 1) / blocks;
}

/** Floats of packB's output for a k×n B: every column padded to a whole 8-column panel. */
export function packedBFloats(k: i32, n: i32): i32 {
  return k * ((n + NR - 1) & ~(NR - 1));
}

/** Floats of one thread's scratch for A strips (gemm's ap). */
export function aStripFloats(): i32 {
  return MR * KC;
}

/** Rows of the register tile: row chunks split between threads are whole multiples of it. */
export function gemmTileRows(): i32 {
  return MR;
}

/**
 * Packs row-major B (k×n, row stride ldb floats) for gemm: K block by K block (kBlock rows from p0, at dst +
 * 4·p0·n8), 8-column panels of kb×8 floats one after the other, columns past n zero.
 */
export function packB(b: usize, ldb: i32, k: i32, n: i32, dst: usize): void {
  const kc = kBlock(k);
  const n8 = (n + NR - 1) & ~(NR - 1);
  const full = n & ~(NR - 1);
  const lb = (<usize>ldb) << 2;
  for (let p0 = 0; p0 < k; p0 += kc) {
    const kb = min(kc, k - p0);
    const base = dst + ((<usize>p0 * <usize>n8) << 2);
    const panel = (<usize>kb) << 5; // bytes per panel
    for (let p = 0; p < kb; p++) {
      const src = b + <usize>(p0 + p) * lb;
      let to = base + ((<usize>p) << 5);
      let j = 0;
      for (; j < full; j += NR, to += panel) {
        const from = src + ((<usize>j) << 2);
        v128.store(to, v128.load(from));
        v128.store(to, v128.load(from, 16), 16);
      }
      if (j < n) {
        v128.store(to, f32x4.splat(0));
        v128.store(to, f32x4.splat(0), 16);
        for (let q = 0; j + q < n; q++) store<f32>(to + ((<usize>q) << 2), load<f32>(src + ((<usize>(j + q)) << 2)));
      }
    }
  }
}

/** A(i + r, p0 + p) for r < rows, p < kb into dst[p·MR + r]; rows from `rows` to MR are zero. */
function packA(a: usize, sa: usize, sp: usize, rows: i32, kb: i32, dst: usize): void {
  const step = <usize>(MR << 2);
  if (rows == MR && sa == 4) {
    // a transposed A: the strip's 4 values of one p are adjacent
    for (let p = 0; p < kb; p++, a += sp, dst += step) v128.store(dst, v128.load(a));
    return;
  }
  if (rows == MR && sp == 4) {
    // a row-major A: 4 values of p from each row, transposed 4×4 in registers
    let p = 0;
    for (; p + 4 <= kb; p += 4, a += 16, dst += step << 2) {
      const r0 = v128.load(a);
      const r1 = v128.load(a + sa);
      const r2 = v128.load(a + (sa << 1));
      const r3 = v128.load(a + sa * 3);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(dst, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
      v128.store(dst, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
      v128.store(dst, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
    }
    for (; p < kb; p++, a += 4, dst += step)
      for (let r = 0; r < MR; r++) store<f32>(dst + ((<usize>r) << 2), load<f32>(a + <usize>r * sa));
    return;
  }
  if (rows < MR) memory.fill(dst, 0, <usize>kb * step);
  for (let r = 0; r < rows; r++) {
    let from = a + <usize>r * sa;
    let to = dst + ((<usize>r) << 2);
    for (let p = 0; p < kb; p++, from += sp, to += step) store<f32>(to, load<f32>(from));
  }
}

/**
 * C[i, j] (+)= Σ_p A(i, p)·B[p, j] for rows i in [i0, i1) of C, j < n, p < k, then (flags) + bias[j] and relu.
 * A(i, p) is read at a + 4·(i·sai + p·sap), so a row-major A (sai = k, sap = 1) and a transposed one (sai = 1,
 * sap = m: the gradient Aᵀ·dy) take the same path without a transpose. bp is B packed by packB; C is row-major
 * with row stride ldc floats. flags: 1 = add bias (n floats), 2 = relu (NaN stays NaN). ap: this thread's
 * scratch of aStripFloats() floats for A strips. Rows split freely between threads; tails of rows and columns run the
 * same tile on zero padding and store only what is inside C.
 */
export function gemm(
  a: usize,
  sai: i32,
  sap: i32,
  bp: usize,
  c: usize,
  ldc: i32,
  i0: i32,
  i1: i32,
  n: i32,
  k: i32,
  bias: usize,
  flags: i32,
  ap: usize,
): void {
  const sa = (<usize>sai) << 2;
  const sp = (<usize>sap) << 2;
  const lc = (<usize>ldc) << 2;
  const kc = kBlock(k);
  const n8 = (n + NR - 1) & ~(NR - 1);
  for (let p0 = 0; p0 < k; p0 += kc) {
    const kb = min(kc, k - p0);
    const first = p0 == 0;
    const block = bp + ((<usize>p0 * <usize>n8) << 2);
    const panel = (<usize>kb) << 5;
    for (let j0 = 0; j0 < n; j0 += NC) {
      const j1 = min(n, j0 + NC);
      for (let i = i0; i < i1; i += MR) {
        const rows = min(MR, i1 - i);
        packA(a + <usize>i * sa + <usize>p0 * sp, sa, sp, rows, kb, ap);
        const cp = c + <usize>i * lc;
        for (let j = j0; j < j1; j += NR) {
          const q = cp + ((<usize>j) << 2);
          tile4x8p(ap, block + <usize>(j >> 3) * panel, q, lc, kb, first, rows, min(NR, j1 - j));
        }
      }
    }
  }
  if (flags == 0) return;
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  for (let i = i0; i < i1; i++) {
    const cp = c + <usize>i * lc;
    let j = 0;
    for (; j < n4; j += 4) {
      const q = cp + ((<usize>j) << 2);
      let v = v128.load(q);
      if (flags & 1) v = f32x4.add(v, v128.load(bias + ((<usize>j) << 2)));
      if (flags & 2) v = f32x4.max(v, zero);
      v128.store(q, v);
    }
    for (; j < n; j++) {
      const q = cp + ((<usize>j) << 2);
      let v = load<f32>(q);
      if (flags & 1) v += load<f32>(bias + ((<usize>j) << 2));
      if (flags & 2) v = v > 0 || isNaN(v) ? v : 0;
      store<f32>(q, v);
    }
  }
}

/** The first `lanes` floats at q (0–4), the rest zero. */
function loadPart(q: usize, lanes: i32): v128 {
  if (lanes >= 4) return v128.load(q);
  let v = f32x4.splat(0);
  if (lanes > 0) v = f32x4.replace_lane(v, 0, load<f32>(q));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(q, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(q, 8));
  return v;
}

function storePart(q: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(q, v);
    return;
  }
  if (lanes > 0) store<f32>(q, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(q, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(q, f32x4.extract_lane(v, 2), 8);
}

/**
 * c + a·b. Built with relaxed SIMD (the *_RELAXED binaries) it is f32x4.relaxed_madd, one fused multiply-add where
 * the CPU has FMA (rounded once: results differ from mul + add in the last bits); otherwise mul then add.
 */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** C[0..rows, 0..cols] at cp (+)= packed A strip (kb×4) · B panel (kb×8); partial tiles store in part. */
function tile4x8p(ap: usize, bp: usize, cp: usize, lc: usize, kb: i32, first: bool, rows: i32, cols: i32): void {
  const full = rows == MR && cols == NR;
  const c1 = cp + lc;
  const c2 = c1 + lc;
  const c3 = c2 + lc;
  let x00 = f32x4.splat(0);
  let x01 = x00;
  let x10 = x00;
  let x11 = x00;
  let x20 = x00;
  let x21 = x00;
  let x30 = x00;
  let x31 = x00;
  if (!first && full) {
    x00 = v128.load(cp);
    x01 = v128.load(cp, 16);
    x10 = v128.load(c1);
    x11 = v128.load(c1, 16);
    x20 = v128.load(c2);
    x21 = v128.load(c2, 16);
    x30 = v128.load(c3);
    x31 = v128.load(c3, 16);
  } else if (!first) {
    const l0 = min(cols, 4);
    const l1 = cols - l0;
    x00 = loadPart(cp, l0);
    x01 = loadPart(cp + 16, l1);
    if (rows > 1) x10 = loadPart(c1, l0);
    if (rows > 1) x11 = loadPart(c1 + 16, l1);
    if (rows > 2) x20 = loadPart(c2, l0);
    if (rows > 2) x21 = loadPart(c2 + 16, l1);
    if (rows > 3) x30 = loadPart(c3, l0);
    if (rows > 3) x31 = loadPart(c3 + 16, l1);
  }
  const end = bp + ((<usize>kb) << 5);
  for (; bp < end; bp += 32, ap += 16) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    const a1 = v128.load32_splat(ap, 4);
    const a2 = v128.load32_splat(ap, 8);
    const a3 = v128.load32_splat(ap, 12);
    x00 = madd(a0, b0, x00);
    x01 = madd(a0, b1, x01);
    x10 = madd(a1, b0, x10);
    x11 = madd(a1, b1, x11);
    x20 = madd(a2, b0, x20);
    x21 = madd(a2, b1, x21);
    x30 = madd(a3, b0, x30);
    x31 = madd(a3, b1, x31);
  }
  if (full) {
    v128.store(cp, x00);
    v128.store(cp, x01, 16);
    v128.store(c1, x10);
    v128.store(c1, x11, 16);
    v128.store(c2, x20);
    v128.store(c2, x21, 16);
    v128.store(c3, x30);
    v128.store(c3, x31, 16);
    return;
  }
  const l0 = min(cols, 4);
  const l1 = cols - l0;
  storePart(cp, x00, l0);
  storePart(cp + 16, x01, l1);
  if (rows > 1) storePart(c1, x10, l0);
  if (rows > 1) storePart(c1 + 16, x11, l1);
  if (rows > 2) storePart(c2, x20, l0);
  if (rows > 2) storePart(c2 + 16, x21, l1);
  if (rows > 3) storePart(c3, x30, l0);
  if (rows > 3) storePart(c3 + 16, x31, l1);
}

/**
 * One SGD step over n floats in one pass, with the same f32 operations in the same order as the tfjs ops it
 * replaces (optim.ts): g' = g + w·wd (flags & 2); with momentum (flags & 1) v' = v·momentum − g'·lr, w' = w + v';
 * without, w' = w − g'·lr. Writes w' to outW and v' to outV.
 */
export function sgdUpdate(
  w: usize,
  g: usize,
  v: usize,
  outW: usize,
  outV: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  wd: f32,
  flags: i32,
): void {
  const vlr = f32x4.splat(lr);
  const vm = f32x4.splat(momentum);
  const vwd = f32x4.splat(wd);
  const n4 = n & ~3;
  let o: usize = 0;
  for (let i = 0; i < n4; i += 4, o += 16) {
    const wi = v128.load(w + o);
    let gi = v128.load(g + o);
    if (flags & 2) gi = f32x4.add(gi, f32x4.mul(wi, vwd));
    if (flags & 1) {
      const vi = f32x4.sub(f32x4.mul(v128.load(v + o), vm), f32x4.mul(gi, vlr));
      v128.store(outV + o, vi);
      v128.store(outW + o, f32x4.add(wi, vi));
    } else v128.store(outW + o, f32x4.sub(wi, f32x4.mul(gi, vlr)));
  }
  for (let i = n4; i < n; i++, o += 4) {
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (flags & 2) gi = gi + wi * wd;
    if (flags & 1) {
      const vi = load<f32>(v + o) * momentum - gi * lr;
      store<f32>(outV + o, vi);
      store<f32>(outW + o, wi + vi);
    } else store<f32>(outW + o, wi - gi * lr);
  }
}

/**
 * One Adam step over n floats in one pass, the tfjs ops of optim.ts in the same f32 order: g' = g + w·wd;
 * m' = m·b1 + g'·c1; v' = v·b2 + (g'·g')·c2; w' = w − ((m'/k1)·lr) / (sqrt(v'/k2) + eps), where c1 = 1 − β1,
 * c2 = 1 − β2, k1 = 1 − β1^t, k2 = 1 − β2^t (rounded to f32 by the caller, as tfjs rounds its scalars).
 */
export function adamUpdate(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  outW: usize,
  outM: usize,
  outV: usize,
  n: i32,
  lr: f32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  k1: f32,
  k2: f32,
  eps: f32,
  wd: f32,
  flags: i32,
): void {
  for (let i = 0, o: usize = 0; i < n; i++, o += 4) {
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (flags & 2) gi = gi + wi * wd;
    const mi = load<f32>(m + o) * b1 + gi * c1;
    const vi = load<f32>(v + o) * b2 + gi * gi * c2;
    store<f32>(outM + o, mi);
    store<f32>(outV + o, vi);
    store<f32>(outW + o, wi - ((mi / k1) * lr) / (Mathf.sqrt(vi / k2) + eps));
  }
}

function op4(op: i32, x: v128, y: v128): v128 {
  return op == 0 ? f32x4.add(x, y) : op == 1 ? f32x4.sub(x, y) : f32x4.mul(x, y);
}

function op1(op: i32, x: f32, y: f32): f32 {
  return op == 0 ? x + y : op == 1 ? x - y : x * y;
}

/**
 * out = a (op) b over a [rows, inner] float32 matrix; op 0 add, 1 sub, 2 mul. b by `mode`: 0 the same shape,
 * 1 one value, 3 one value per row ([rows, 1]), 4 one value per column ([inner]); mode 2: a is the one value.
 */
export function binary(op: i32, a: usize, b: usize, out: usize, rows: i32, inner: i32, mode: i32): void {
  if (mode == 0 || mode == 1 || mode == 2) {
    const n = rows * inner;
    const n4 = n & ~3;
    const sa: usize = mode == 2 ? 0 : 16;
    const sb: usize = mode == 1 ? 0 : 16;
    const va = f32x4.splat(load<f32>(a));
    const vb = f32x4.splat(load<f32>(b));
    let pa = a,
      pb = b,
      po = out;
    for (let i = 0; i < n4; i += 4, pa += sa, pb += sb, po += 16)
      v128.store(po, op4(op, mode == 2 ? va : v128.load(pa), mode == 1 ? vb : v128.load(pb)));
    for (let i = n4; i < n; i++, pa += sa >> 2, pb += sb >> 2, po += 4)
      store<f32>(po, op1(op, load<f32>(pa), load<f32>(pb)));
    return;
  }
  const n4 = inner & ~3;
  let pa = a,
    po = out;
  for (let r = 0; r < rows; r++) {
    const rb = mode == 3 ? b + ((<usize>r) << 2) : b;
    const vb = f32x4.splat(load<f32>(rb));
    let k = 0;
    for (; k < n4; k += 4, pa += 16, po += 16)
      v128.store(po, op4(op, v128.load(pa), mode == 3 ? vb : v128.load(b + ((<usize>k) << 2))));
    for (; k < inner; k++, pa += 4, po += 4)
      store<f32>(po, op1(op, load<f32>(pa), load<f32>(mode == 3 ? rb : b + ((<usize>k) << 2))));
  }
}

/**
 * The relu gradient and the bias gradient of a fused layer in one pass: dz = dy · step(y) over a [rows, inner]
 * float32 matrix (y the layer's output; step(NaN) = NaN, as tf.step), and db[k] = Σ_r dz[r, k], summed exactly as
 * sumRows sums (64-row float32 blocks into the float64 scratch `acc`), so both equal tf.mul(dy, tf.step(y)) and
 * tf.sum(dz, leading axes) bit for bit. The row blocks are visited as sumRows visits them.
 */
export function reluGradBias(dy: usize, y: usize, dz: usize, rows: i32, inner: i32, acc: usize, db: usize): void {
  memory.fill(acc, 0, (<usize>inner) << 3);
  const vec = inner & ~3;
  const stride = (<usize>inner) << 2;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(rows, r0 + 64);
    let k = 0;
    for (; k < vec; k += 4) {
      let s = zero;
      let o = <usize>r0 * stride + ((<usize>k) << 2);
      for (let r = r0; r < r1; r++, o += stride) {
        const yv = v128.load(y + o);
        const step = v128.bitselect(yv, v128.bitselect(one, zero, f32x4.gt(yv, zero)), f32x4.ne(yv, yv));
        const g = f32x4.mul(v128.load(dy + o), step);
        v128.store(dz + o, g);
        s = f32x4.add(s, g);
      }
      const a = acc + ((<usize>k) << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(s)));
      v128.store(a + 16, f64x2.add(v128.load(a + 16), f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1))));
    }
    for (; k < inner; k++) {
      let s: f32 = 0;
      let o = <usize>r0 * stride + ((<usize>k) << 2);
      for (let r = r0; r < r1; r++, o += stride) {
        const yv = load<f32>(y + o);
        const step: f32 = yv != yv ? yv : yv > 0 ? 1 : 0;
        const g = load<f32>(dy + o) * step;
        store<f32>(dz + o, g);
        s += g;
      }
      const a = acc + ((<usize>k) << 3);
      store<f64>(a, load<f64>(a) + <f64>s);
    }
  }
  for (let k = 0; k < inner; k++) store<f32>(db + ((<usize>k) << 2), <f32>load<f64>(acc + ((<usize>k) << 3)));
}

/**
 * Softmax cross-entropy forward and its gradient in one pass over logits z [rows, classes] and int32 labels:
 * lsm = (z − max) − log Σ exp(z − max) per row (tfjs's logSoftmax), loss = Σ lsm · w with w = −1/rows at the
 * label and 0 elsewhere (so a non-finite lsm anywhere makes the loss non-finite, as the op chain did; a label
 * outside 0…classes−1 has no weight), summed in float64; grad = w − (Σ_row w) · exp(lsm), the logSoftmax gradient
 * of that weighting. Returns the loss.
 */
export function softmaxXent(z: usize, labels: usize, rows: i32, classes: i32, grad: usize): f64 {
  const wl: f32 = <f32>(-1.0 / <f64>rows);
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = z + ((<usize>(r * classes)) << 2);
    const out = grad + ((<usize>(r * classes)) << 2);
    const label = load<i32>(labels + ((<usize>r) << 2));
    let m = load<f32>(row);
    for (let j = 1; j < classes; j++) m = max(m, load<f32>(row + ((<usize>j) << 2)));
    let e: f32 = 0;
    for (let j = 0; j < classes; j++) e += Mathf.exp(load<f32>(row + ((<usize>j) << 2)) - m);
    const lse = Mathf.log(e);
    const rw: f32 = label >= 0 && label < classes ? wl : 0;
    for (let j = 0; j < classes; j++) {
      const lsm = load<f32>(row + ((<usize>j) << 2)) - m - lse;
      const w: f32 = j == label ? rw : 0;
      loss += <f64>(lsm * w);
      store<f32>(out + ((<usize>j) << 2), w - rw * Mathf.exp(lsm));
    }
  }
  return loss;
}

/**
 * Stored bytes to the network's input floats: dst[p·plane + j] = src[p·plane + j] · scale[c] + shift[c] for plane
 * p of `planes` (N·C of them, channel c = p mod channels), computed in float64 and rounded once to float32: the
 * floats the data filler's byte table gives (its entries are v·a + b in JS doubles, stored as float32). scale and
 * shift are float32s at `affine` (channels of each). Sixteen bytes a step, widened to four f64x2 pairs.
 */
export function bytesToFloats(src: usize, affine: usize, dst: usize, planes: i32, plane: i32, channels: i32): void {
  const v16 = plane & ~15;
  for (let p = 0; p < planes; p++) {
    const c = p % channels;
    const a = <f64>load<f32>(affine + ((<usize>c) << 2));
    const b = <f64>load<f32>(affine + ((<usize>(channels + c)) << 2));
    const va = f64x2.splat(a);
    const vb = f64x2.splat(b);
    const s = src + <usize>p * <usize>plane;
    const d = dst + ((<usize>p * <usize>plane) << 2);
    let j = 0;
    for (; j < v16; j += 16) {
      const bytes = v128.load(s + <usize>j);
      const lo = i16x8.extend_low_i8x16_u(bytes);
      const hi = i16x8.extend_high_i8x16_u(bytes);
      const q0 = i32x4.extend_low_i16x8_u(lo);
      const q1 = i32x4.extend_high_i16x8_u(lo);
      const q2 = i32x4.extend_low_i16x8_u(hi);
      const q3 = i32x4.extend_high_i16x8_u(hi);
      const o = d + ((<usize>j) << 2);
      v128.store(o, affine4(q0, va, vb));
      v128.store(o + 16, affine4(q1, va, vb));
      v128.store(o + 32, affine4(q2, va, vb));
      v128.store(o + 48, affine4(q3, va, vb));
    }
    for (; j < plane; j++) store<f32>(d + ((<usize>j) << 2), <f32>(<f64>load<u8>(s + <usize>j) * a + b));
  }
}

/** Four int32 lanes · a + b in float64, rounded to four float32 lanes. */
function affine4(q: v128, va: v128, vb: v128): v128 {
  const l = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(q), va), vb));
  const h = f32x4.demote_f64x2_zero(
    f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(q, q, 2, 3, 0, 1)), va), vb),
  );
  return i32x4.shuffle(l, h, 0, 1, 4, 5);
}
