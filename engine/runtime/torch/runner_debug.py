"""The debugging streams' runner side (engine/host/torch-debug.ts does the statistics): per-step norm rows, probe
outputs of document paths with forward hooks on the modules config "blockModules" names, parameter values and last
gradients as one float32 file, the first layer with a non-finite output, and the holds of config "hold" (`--watch`).
Python supplies raw numbers only; the statistics, health rules and snapshots are engine/debug's."""
import os

import numpy as np
import torch
from runner_events import finite, send


class Debugging:
    """A mixin of Run (Setup holds the fields: module, blocks, gluon, layers, rows, hold, released…)."""

    @torch.no_grad()
    def inspect(self, c):
        """Probe outputs of document paths (eval mode, on the host's batch), parameter values and last gradients,
        as raw float32 in one file; one `inspection` line says where each lies. Local to rank 0: no collective."""
        items, arrays, offset = [], [], 0

        def add(kind, name, t):
            nonlocal offset
            a = t.detach().float().contiguous().cpu().numpy().reshape(-1)
            items.append({"kind": kind, "name": name, "shape": list(t.shape), "offset": offset, "length": a.size})
            arrays.append(a)
            offset += a.size

        paths = [p for p in c.get("paths") or [] if p in self.blocks]
        if paths:
            x = np.fromfile(c["input"], dtype=np.float32).reshape(c["shape"])
            for kind, name, t in self.probe(torch.from_numpy(x).to(self.device), paths):
                add(kind, name, t)
        for kind in ("values", "grads"):
            for name in c.get(kind) or []:
                entry = self.gluon.get(name)
                t = self.layers.tensor(self.module, entry[0]) if entry else None
                t = t.grad if kind == "grads" and t is not None else t
                if t is not None:
                    add(kind[:-1], name, t)
        path = os.path.join(self.run_dir, f"inspect-{c.get('seq', 0)}.f32")
        (np.concatenate(arrays) if arrays else np.zeros(0, np.float32)).tofile(path)
        send("inspection", seq=c.get("seq", 0), step=self.step, file=path, items=items)

    def probe(self, x, paths):
        """The outputs of `paths` in one eval-mode forward pass, stopped once the last of them is out."""
        modules = dict(self.module.named_modules())
        want = {}  # module name → {call index: path}
        for p in paths:
            name, call = self.blocks[p]
            want.setdefault(name, {})[call] = p
        got, calls, hooks = [], {}, []

        class Enough(Exception):
            pass

        def hook(name):
            def on_output(_module, _inputs, output):
                k = calls[name] = calls.get(name, -1) + 1
                if k in want[name]:
                    got.append(("output", want[name][k], output))
                    if len(got) == len(paths):
                        raise Enough()

            return on_output

        for name in want:
            hooks.append(modules[name].register_forward_hook(hook(name)))
        self.module.eval()
        try:
            self.module(x)
        except Enough:
            pass
        finally:
            self.module.train()
            for h in hooks:
                h.remove()
        return got

    @torch.no_grad()
    def first_nonfinite(self, x):
        """The first layer (document order) whose output on `x` is not finite, in inference mode, as the wasm
        trainer names it (engine/runtime/step.ts firstNonFinite); None when every output is finite."""
        layers = [p for p in self.cfg.get("layerPaths") or [] if p in self.blocks]
        outs = {path: t for _, path, t in self.probe(x, layers)}
        return next((p for p in layers if p in outs and not bool(torch.isfinite(outs[p]).all())), None)

    def report_nonfinite(self, x, kind, epoch, batch):
        """Rank 0's `anomaly` event for a batch whose loss was not finite (its update was skipped), naming the
        first layer whose output on the batch is not finite."""
        block = self.first_nonfinite(x)
        where = f'; the first block with a non-finite output is "{block}"' if block else ""
        send(
            "anomaly",
            kind=kind,
            step=self.step,
            epoch=epoch,
            batch=batch,
            block=block,
            message=f"the loss became {'NaN' if kind == 'nan' else 'Infinity'} at step {self.step}"
            f"{where}; the update was skipped and training paused",
        )

    def held_for_host(self, epoch_end):
        """After a step the host asked to see (config "hold": every K steps, or at each epoch's end): the progress
        so far goes out, then controls are applied (inspections, or a stop) until the host releases the run."""
        every = self.hold.get("every")
        if not self.lead or not ((every and self.step % every == 0) or (self.hold.get("epochEnd") and epoch_end)):
            return
        self.flush()
        self.released = False
        send("hold", step=self.step)
        while not self.released and not self.stopping:
            self.apply(self.controls.get(block=True))

    def record(self, index, norms):
        """One applied step's row for the host: step, epoch, batch, then per trainable parameter (self.opt.named
        order) ‖w before‖, ‖g‖, ‖w after‖, ‖Δw‖; non-finite figures as null (JSON has no NaN)."""
        flat = [0.0] * (4 * len(self.opt.named))
        for i, r in zip(index, norms.tolist()):
            flat[4 * i : 4 * i + 4] = [finite(v) for v in r]
        self.rows.append([self.step + 1, self.pos[0], self.pos[1], *flat])
