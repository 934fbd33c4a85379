// Test fixture: one network with what the templates do not use, for the PyTorch export's round trip — pooling
// that nn.MaxPool2d/AvgPool2d cannot express (ceil mode, padding past half the window), a graph block inside a
// Sequential that applies a layer twice, a definition whose activation is an argument, BatchNorm on vectors,
// a frozen block, a bias-free tanh convolution, a shared layer inside a definition, a non-square kernel shared by two
// convolutions with different activations in a graph block (each followed by one shared BatchNorm), `when: false`
// and `repeat`.
export const EDGE_DOC = {
  format: 'netloom/network',
  version: 1,
  name: 'Edge cases',
  input: { shape: [1, 28, 28] },
  definitions: {
    Head: {
      doc: 'Dense → Dense → BatchNorm on vectors → the chosen activation → a Dense sharing the first one’s weights.',
      args: [
        { name: 'units', type: 'int', min: 1 },
        { name: 'act', type: 'string', default: 'softrelu' },
      ],
      body: {
        kind: 'sequential',
        id: 'head',
        children: [
          { kind: 'layer', id: 'pre', type: 'Dense', params: { units: { $arg: 'units' } } },
          { kind: 'layer', id: 'fc', type: 'Dense', params: { units: { $arg: 'units' } } },
          { kind: 'layer', id: 'bn', type: 'BatchNorm', params: { momentum: 0.8 } },
          { kind: 'layer', id: 'act', type: 'Activation', params: { activation: { $arg: 'act' } } },
          { kind: 'layer', id: 'fc2', type: 'Dense', params: { units: { $arg: 'units' } }, share: 'fc' },
        ],
      },
    },
  },
  root: {
    kind: 'sequential',
    id: 'net',
    children: [
      {
        kind: 'layer',
        id: 'conv',
        type: 'Conv2D',
        params: { channels: 4, kernelSize: 3, activation: 'tanh', useBias: false },
      },
      { kind: 'layer', id: 'pool', type: 'AvgPool2D', params: { poolSize: 3, strides: 2, padding: 1, ceilMode: true } },
      {
        kind: 'graph',
        id: 'twice',
        nodes: [
          {
            kind: 'layer',
            id: 'c',
            type: 'Conv2D',
            params: { channels: 4, kernelSize: 3, padding: 1, activation: 'relu' },
          },
          { kind: 'apply', id: 'again', target: 'c' },
          { kind: 'layer', id: 'sum', type: 'Add' },
        ],
        edges: [
          { from: 'input', to: 'c' },
          { from: 'c', to: 'again' },
          { from: 'again', to: 'sum', port: 0 },
          { from: 'input', to: 'sum', port: 1 },
        ],
        output: 'sum',
      },
      {
        kind: 'graph',
        id: 'pair',
        nodes: [
          {
            kind: 'layer',
            id: 'a',
            type: 'Conv2D',
            params: { channels: 4, kernelSize: [3, 5], padding: [1, 2], activation: 'sigmoid' },
          },
          {
            kind: 'layer',
            id: 'b',
            type: 'Conv2D',
            params: { channels: 4, kernelSize: [3, 5], padding: [1, 2], activation: 'tanh' },
            share: 'a',
          },
          { kind: 'layer', id: 'na', type: 'BatchNorm' },
          { kind: 'layer', id: 'nb', type: 'BatchNorm', share: 'na' },
          { kind: 'layer', id: 'cat', type: 'Concat' },
        ],
        edges: [
          { from: 'input', to: 'a' },
          { from: 'input', to: 'b' },
          { from: 'a', to: 'na' },
          { from: 'b', to: 'nb' },
          { from: 'na', to: 'cat', port: 0 },
          { from: 'nb', to: 'cat', port: 1 },
        ],
        output: 'cat',
      },
      {
        kind: 'sequential',
        id: 'frozen',
        trainable: false,
        children: [{ kind: 'layer', id: 'conv', type: 'Conv2D', params: { channels: 6, kernelSize: 1 } }],
      },
      { kind: 'layer', id: 'wide', type: 'MaxPool2D', params: { poolSize: 3, strides: 2, padding: [2, 0] } },
      { kind: 'layer', id: 'off', type: 'Dropout', when: false },
      { kind: 'layer', id: 'relus', type: 'Activation', repeat: 2 },
      { kind: 'layer', id: 'drop', type: 'Dropout', params: { rate: 0.3 } },
      { kind: 'layer', id: 'flat', type: 'Flatten' },
      { kind: 'instance', id: 'head', def: 'Head', args: { units: 16 } },
      { kind: 'layer', id: 'centered', type: 'Centered' },
      { kind: 'layer', id: 'out', type: 'Dense', params: { units: 10, useBias: false } },
    ],
  },
  training: { optimizer: 'sgd', lr: 0.05, momentum: 0.9, batchSize: 64, epochs: 1 },
};
