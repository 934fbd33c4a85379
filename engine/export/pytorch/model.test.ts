// model.py as text (no python needed): the Block hierarchy survives — one class per block definition with its
// arguments, `$arg`s as Python names, `when` and `repeat` as Python — and what PyTorch export cannot express is
// named before anything is written.
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../templates';
import { inferNetwork } from '../../core';
import { checkExportable } from '../formats';
import { ExportError } from '../walk';
import { modelPy } from './model';

const py = (id: string) => modelPy(inferNetwork(loadTemplate(id)));

describe('model.py keeps the Block hierarchy', () => {
  it('ResNet-18: Residual is one class with its arguments; the 1×1 shortcut is conditional on use_1x1conv', () => {
    const text = py('resnet18');
    expect(text.match(/^class \w+\(nn\.Module\):/gm)).toEqual([
      'class Residual(nn.Module):',
      'class ResNet18(nn.Module):',
    ]);
    expect(text).toContain('def __init__(self, num_channels, use_1x1conv=False, strides=1):');
    expect(text).toContain(
      'self.conv3 = (nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else nn.Identity())',
    );
    expect(text).toContain('r1=Residual(num_channels=128, use_1x1conv=True, strides=2),');
    expect(text).toContain('self.bn1 = BatchNorm(eps=1e-5, momentum=0.1)'); // Gluon 0.9 = PyTorch 0.1
  });

  it('DenseNet: a repeat of an argument is a loop; definitions nest as classes', () => {
    const text = py('densenet');
    for (const cls of ['conv_block', 'dense_unit', 'DenseBlock', 'transition_block'])
      expect(text).toContain(`class ${cls}(nn.Module):`);
    expect(text).toContain(
      'self.unit = nn.Sequential(*(dense_unit(num_channels=num_channels) for _ in range(num_convs)))',
    );
    expect(text).toMatch(/return self\.concat\(x, conv\)/);
  });

  it('GoogLeNet: tuple arguments are indexed; the four paths are a forward in dependency order', () => {
    const text = py('googlenet');
    expect(text).toContain('self.p2_1 = Conv2D(c2[0], kernel_size=1, activation="relu")');
    expect(text).toContain('return self.concat(p1_1, p2_2, p3_2, p4_2)');
  });

  it('PARAMS maps every Gluon name to its module, shared parameters once', () => {
    const net = inferNetwork(loadTemplate('shared-mlp'));
    const text = modelPy(net);
    for (const p of net.parameters) expect(text).toContain(`"${p.name}": (`);
    expect(text).not.toMatch(/"tied\.weight"/);
  });
});

describe('what PyTorch export cannot express is named before anything is written', () => {
  it('an apply inside a definition of a layer outside it (each class stays self-contained)', () => {
    const doc = {
      format: 'netloom/network',
      version: 1,
      name: 'Outside',
      input: { shape: [1, 28, 28] },
      definitions: {
        Again: { body: { kind: 'sequential', id: 'b', children: [{ kind: 'apply', id: 'a', target: 'd' }] } },
      },
      root: {
        kind: 'sequential',
        id: 'net',
        children: [
          { kind: 'layer', id: 'd', type: 'Dense', params: { units: 784 } },
          { kind: 'instance', id: 'blk', def: 'Again' },
          { kind: 'layer', id: 'out', type: 'Dense', params: { units: 10 } },
        ],
      },
    };
    const net = inferNetwork(doc);
    expect(net.errors).toEqual([]);
    let err: unknown;
    try {
      checkExportable('pytorch', net);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).code).toBe('E_EXPORT_UNSUPPORTED');
    expect((err as ExportError).message).toBe(
      'pytorch cannot express reference at blk/a: "d" lies outside the Again class; PyTorch export keeps each class self-contained',
    );
  });
});
