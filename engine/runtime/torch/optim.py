"""Gluon's update rules for the torch runner, as engine/runtime/optim.ts, with the same checkpointable state.

SGD: v = m·v − lr·g; w += v (no slot without momentum). Adam: m, v moments, bias-corrected by the step count.
Weight decay is added to the gradient. The state is the project's optimizer.safetensors layout (engine/export/
project): slots keyed `<gluon name>/v` (SGD momentum, Adam's second moment) and `<gluon name>/m` (Adam's first),
the optimizer step beside them, so a run continues on any backend from where another stopped.
"""
import numpy as np
import torch


class GluonOptimizer:
    def __init__(self, named, cfg):
        """`named`: [(gluon name, Parameter)] of the trainable parameters, each Parameter once."""
        self.named = [(n, p) for n, p in named if p.requires_grad]
        self.params = [p for _, p in self.named]
        self.type = cfg.get("type", "sgd")
        self.momentum = cfg.get("momentum") or 0.0
        self.wd = cfg.get("weightDecay") or 0.0
        self.b1, self.b2, self.eps = cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("epsilon", 1e-8)
        self.lr = cfg["lr"]
        self.t = 0
        self.slots = {}  # "<gluon name>/<slot>" → tensor, created at a parameter's first update (as optim.ts)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def slot(self, name, kind, p):
        key = f"{name}/{kind}"
        s = self.slots.get(key)
        if s is None:
            s = self.slots[key] = torch.zeros_like(p)
        return s

    @torch.no_grad()
    def step(self, measure=False):
        """One update. `measure`: also returns ([index into self.named], a (k, 4) tensor of ‖w before‖, ‖g‖,
        ‖w after‖, ‖Δw‖ per updated parameter) — Δw is the update this rule computes anyway (no copy of the
        weights), each column one foreach reduction, for the caller to read once."""
        self.t += 1
        live = [(i, n, p) for i, (n, p) in enumerate(self.named) if p.grad is not None]
        if not live:
            return None
        ps = [p for _, _, p in live]
        gs = [p.grad for p in ps]
        norms = [torch._foreach_norm(ps), torch._foreach_norm(gs)] if measure else None
        if self.wd:
            gs = torch._foreach_add(gs, ps, alpha=self.wd)
        if self.type == "sgd" and not self.momentum:
            torch._foreach_add_(ps, gs, alpha=-self.lr)
            delta = [d * self.lr for d in torch._foreach_norm(gs)] if measure else None
        elif self.type == "sgd":
            # One kernel per op over all parameters (foreach): the per-parameter loop's launches cost on GPUs.
            vs = [self.slot(n, "v", p) for _, n, p in live]
            torch._foreach_mul_(vs, self.momentum)
            torch._foreach_add_(vs, gs, alpha=-self.lr)
            torch._foreach_add_(ps, vs)
            delta = torch._foreach_norm(vs) if measure else None
        else:
            c1, c2 = 1 - self.b1**self.t, 1 - self.b2**self.t
            ds = []
            for (_, n, p), g in zip(live, gs):
                m, v = self.slot(n, "m", p), self.slot(n, "v", p)
                m.mul_(self.b1).add_(g, alpha=1 - self.b1)
                v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
                d = self.lr * (m / c1) / ((v / c2).sqrt() + self.eps)
                p.sub_(d)
                ds.append(d)
            delta = torch._foreach_norm(ds) if measure else None
        if not measure:
            return None
        cols = [torch.stack(list(c)) for c in (*norms, torch._foreach_norm(ps), delta)]
        return [i for i, _, _ in live], torch.stack(cols, 1)

    def state(self):
        """{slot name: numpy array} and the step, for optimizer.safetensors."""
        return {k: s.detach().cpu().numpy() for k, s in self.slots.items()}, self.t

    def load(self, slots, step):
        """Restores a saved state; a slot whose parameter is gone or changed shape is refused by name."""
        by_name = dict(self.named)
        for key, a in slots.items():
            name = key.rpartition("/")[0]
            p = by_name.get(name)
            if p is None:
                continue  # a frozen or removed parameter: optim.ts would keep it unused too
            if tuple(p.shape) != tuple(a.shape):
                raise ValueError(f"optimizer slot {key} is {tuple(a.shape)} but the parameter is {tuple(p.shape)}")
            self.slots[key] = torch.from_numpy(np.array(a, dtype=np.float32)).to(p.device)
        self.t = int(step)
