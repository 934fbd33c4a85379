// The bundled templates: classic networks as IR documents (data, not code). Listed once here, in the order of
// NETWORKS.md, then the small-input variants a laptop CPU can train for a demo.
import mlp from './mlp.json';
import fancyMlp from './fancy-mlp.json';
import recMlp from './rec-mlp.json';
import sharedMlp from './shared-mlp.json';
import centered from './centered.json';
import customInit from './custom-init.json';
import lenet from './lenet.json';
import dropoutMlp from './dropout-mlp.json';
import lenetBn from './lenet-bn.json';
import alexnet from './alexnet.json';
import vgg11 from './vgg11.json';
import nin from './nin.json';
import googlenet from './googlenet.json';
import resnet18 from './resnet18.json';
import densenet from './densenet.json';
import alexnetSmall from './alexnet-small.json';
import vgg11Small from './vgg11-small.json';
import ninSmall from './nin-small.json';
import googlenetSmall from './googlenet-small.json';
import resnet18Small from './resnet18-small.json';
import densenetSmall from './densenet-small.json';

const TEMPLATES: Record<string, unknown> = {
  mlp,
  'fancy-mlp': fancyMlp,
  'rec-mlp': recMlp,
  'shared-mlp': sharedMlp,
  centered,
  'custom-init': customInit,
  lenet,
  'dropout-mlp': dropoutMlp,
  'lenet-bn': lenetBn,
  alexnet,
  vgg11,
  nin,
  googlenet,
  resnet18,
  densenet,
  'alexnet-small': alexnetSmall,
  'vgg11-small': vgg11Small,
  'nin-small': ninSmall,
  'googlenet-small': googlenetSmall,
  'resnet18-small': resnet18Small,
  'densenet-small': densenetSmall,
};

export const TEMPLATE_IDS: readonly string[] = Object.keys(TEMPLATES);

/** A fresh copy of a template document (callers may mutate it). */
export function loadTemplate(id: string): unknown {
  const t = TEMPLATES[id];
  if (!t) throw new Error(`no template "${id}"`);
  return structuredClone(t);
}
