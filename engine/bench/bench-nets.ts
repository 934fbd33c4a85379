// Raw-tfjs LeNet and ResNet-18 training steps for kernels-bench.ts (no compiler involved: this measures the
// backend and kernels alone). Layers follow NETWORKS.md; input is NHWC 28×28, batch 256, SGD, softmax CE.
import { tf } from '../runtime/backends/tf';
import { conv2dAct, denseAct, type Activation } from '../runtime/kernels/fused-ops';

export interface BenchNet {
  name: string;
  inputShape: [number, number, number];
  vars: tf.Variable[];
  loss(x: tf.Tensor4D, y: tf.Tensor2D): tf.Scalar;
}

type Pad = 'valid' | 'same' | number;

export interface NetOptions {
  /** true: fused conv/dense ops with custom gradients (kernels/fused-ops); false: plain tfjs ops. */
  fused: boolean;
}

function he(shape: number[], fanIn: number): tf.Variable {
  return tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn)));
}

function makeLayers(vars: tf.Variable[], opts: NetOptions) {
  const conv = (cin: number, cout: number, k: number, stride: number, pad: Pad, bias = true) => {
    const w = he([k, k, cin, cout], k * k * cin);
    const b = bias ? tf.variable(tf.zeros([cout])) : undefined;
    vars.push(w, ...(b ? [b] : []));
    return (x: tf.Tensor4D, act: Activation = 'linear'): tf.Tensor4D => {
      if (opts.fused) return conv2dAct(x, w as tf.Tensor4D, b as tf.Tensor1D | undefined, stride, pad, act);
      let y = tf.conv2d(x, w as tf.Tensor4D, stride, pad);
      if (b) y = tf.add(y, b);
      return act === 'relu' ? tf.relu(y) : y;
    };
  };
  const dense = (cin: number, cout: number) => {
    const w = he([cin, cout], cin);
    const b = tf.variable(tf.zeros([cout]));
    vars.push(w, b);
    return (x: tf.Tensor2D, act: Activation = 'linear'): tf.Tensor2D => {
      if (opts.fused) return denseAct(x, w as tf.Tensor2D, b as tf.Tensor1D, act);
      const y = tf.add(tf.matMul(x, w as tf.Tensor2D), b) as tf.Tensor2D;
      return act === 'relu' ? tf.relu(y) : y;
    };
  };
  // BatchNorm by ops, training mode (batch statistics); moving averages are the trainer's business.
  const bn = (c: number) => {
    const gamma = tf.variable(tf.ones([c]));
    const beta = tf.variable(tf.zeros([c]));
    vars.push(gamma, beta);
    return (x: tf.Tensor4D): tf.Tensor4D => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta);
    };
  };
  return { conv, dense, bn };
}

const ce = (logits: tf.Tensor2D, y: tf.Tensor2D) => tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;

export function lenet(opts: NetOptions): BenchNet {
  const vars: tf.Variable[] = [];
  const { conv, dense } = makeLayers(vars, opts);
  const c1 = conv(1, 20, 5, 1, 'valid');
  const c2 = conv(20, 50, 3, 1, 'valid');
  const d1 = dense(1250, 128);
  const d2 = dense(128, 10);
  return {
    name: 'lenet',
    inputShape: [28, 28, 1],
    vars,
    loss(x, y) {
      let h = tf.maxPool(c1(x, 'relu'), 2, 2, 'valid');
      h = tf.maxPool(c2(h, 'relu'), 2, 2, 'valid');
      const f = d1(tf.reshape(h, [h.shape[0], 1250]) as tf.Tensor2D, 'relu');
      return ce(d2(f), y);
    },
  };
}

export function resnet18(opts: NetOptions): BenchNet {
  const vars: tf.Variable[] = [];
  const { conv, dense, bn } = makeLayers(vars, opts);
  const residual = (cin: number, cout: number, stride: number) => {
    const conv1 = conv(cin, cout, 3, stride, 1, false);
    const bn1 = bn(cout);
    const conv2 = conv(cout, cout, 3, 1, 1, false);
    const bn2 = bn(cout);
    const short = cin !== cout || stride !== 1 ? conv(cin, cout, 1, stride, 0) : undefined;
    return (x: tf.Tensor4D): tf.Tensor4D => {
      const y = bn2(conv2(tf.relu(bn1(conv1(x)))));
      return tf.relu(tf.add(y, short ? short(x) : x)) as tf.Tensor4D;
    };
  };
  const stem = conv(1, 64, 7, 2, 3, false);
  const stemBn = bn(64);
  const blocks = [
    residual(64, 64, 1), residual(64, 64, 1),
    residual(64, 128, 2), residual(128, 128, 1),
    residual(128, 256, 2), residual(256, 256, 1),
    residual(256, 512, 2), residual(512, 512, 1),
  ];
  const head = dense(512, 10);
  return {
    name: 'resnet18',
    inputShape: [28, 28, 1],
    vars,
    loss(x, y) {
      let h: tf.Tensor4D = tf.maxPool(tf.relu(stemBn(stem(x))), 3, 2, 'same');
      for (const b of blocks) h = b(h);
      return ce(head(tf.mean(h, [1, 2]) as tf.Tensor2D), y);
    },
  };
}

/** One SGD step; returns the loss (read back, so the step is finished when this returns). */
export async function sgdStep(net: BenchNet, x: tf.Tensor4D, y: tf.Tensor2D, lr: number): Promise<number> {
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => net.loss(x, y), net.vars);
    for (const v of net.vars) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
    return value;
  });
  const l = (await loss.data())[0];
  loss.dispose();
  return l;
}
