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
