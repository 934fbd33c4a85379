// The health rules' test network (debug-health.test.ts on wasm, torch-debug.test.ts on torch): a deep plain
// sigmoid MLP, whose first layers' gradients vanish, or the same depth with ReLU and BatchNorm, whose do not.
export const DEPTH = 10;

const dense = (id: string, units: number, activation?: string) => ({
  kind: 'layer',
  id,
  type: 'Dense',
  params: activation ? { units, activation } : { units },
});
const act = (id: string, activation: string) => ({ kind: 'layer', id, type: 'Activation', params: { activation } });

export const deepMlp = (withBn: boolean) => ({
  format: 'netloom/network',
  version: 1,
  name: withBn ? 'deep-relu-bn' : 'deep-sigmoid',
  input: { shape: [1, 28, 28] },
  root: {
    kind: 'sequential',
    id: 'net',
    children: [
      ...Array.from({ length: DEPTH }, (_, i) =>
        withBn
          ? [dense(`d${i}`, 64), { kind: 'layer', id: `bn${i}`, type: 'BatchNorm', params: {} }, act(`a${i}`, 'relu')]
          : [dense(`d${i}`, 64, 'sigmoid')],
      ).flat(),
      dense('out', 10),
    ],
  },
});
