// Which initializer each parameter gets: the layer's own per-parameter `init` wins, then the document's
// pattern rules (the last matching rule wins, as later `initialize` calls do in Gluon), then the layer default.
import type { Init, NetworkDoc } from '../ir/schema';
import type { ParamSpec } from '../layers';
import type { XNode } from './expand';

export function resolveInit(
  doc: NetworkDoc,
  layer: Extract<XNode, { kind: 'layer' }>,
  spec: ParamSpec,
  name: string,
): Init {
  if (layer.init[spec.name]) return layer.init[spec.name];
  let init = spec.init;
  for (const rule of doc.initializers) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${rule.pattern})`);
    } catch {
      continue;
    }
    // Running statistics are state, not weights: a `.*` rule must not turn running_var into U[5,10].
    if (re.test(name) && spec.trainable) init = rule.init;
  }
  return init;
}
