"""A run as its folder describes it: the module from the export generator's model.py (DDP-wrapped across processes),
the data parts (data.py reads the files engine/data resolved), Gluon's optimizer (its state restored on resume),
the starting position; and what is read or written from them: evaluation over a part, the saved weights."""
import math
import os
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F
from data import open_parts
from optim import GluonOptimizer
from runner_events import Controls, send


class Setup:
    def __init__(self, run_dir, cfg, device, world, rank):
        sys.path.insert(0, run_dir)
        import model as generated  # the export generator's model.py for this document
        import netloom_layers

        self.run_dir = run_dir
        self.cfg, self.device, self.world, self.rank = cfg, device, world, rank
        self.lead = rank == 0
        init = os.path.join(run_dir, "init.safetensors")
        self.module = generated.build(init if os.path.exists(init) else None)
        if not os.path.exists(init):
            torch.manual_seed(cfg.get("seed", 0))
            netloom_layers.initialize(self.module, generated.PARAMS)
        self.module.to(device)
        self.net = self.module
        if world > 1:
            ids = [device.index] if device.type == "cuda" else None
            self.net = torch.nn.parallel.DistributedDataParallel(self.module, device_ids=ids)
        self.layers = netloom_layers
        self.gluon = generated.PARAMS
        self.parts = open_parts(cfg, run_dir, device)
        named, seen = [], set()
        for name, (key, _) in generated.PARAMS.items():
            t = netloom_layers.tensor(self.module, key)
            if isinstance(t, torch.nn.Parameter) and id(t) not in seen:  # a shared parameter is updated once
                seen.add(id(t))
                named.append((name, t))
        self.opt = GluonOptimizer(named, cfg["optimizer"])
        start = cfg.get("start") or {}
        resume = os.path.join(run_dir, "resume-optimizer.safetensors")
        if os.path.exists(resume):
            self.opt.load(netloom_layers.read_safetensors(resume), start.get("optimizerStep", 0))
        self.base_lr = cfg.get("lr") or cfg["optimizer"]["lr"]
        self.controls = Controls(self.lead)
        self.steps_left = 0 if cfg.get("startPaused") else math.inf
        self.pause_at = cfg.get("pauseAtStep")
        self.state = "idle"
        self.stopping = False
        self.pos = [start.get("epoch", 0), start.get("batch", 0)]
        self.step = start.get("step", 0)
        self.waited = 0.0  # seconds held paused inside the batch loop: not training time
        # The debugging streams (engine/host/torch-debug.ts): per-step norms once the host asks ("measure"),
        # batched into the progress flush; holds after chosen steps until the host has looked ("release").
        self.measure = False
        self.rows = []
        self.blocks = cfg.get("blockModules") or {}
        self.hold = cfg.get("hold") or {}
        self.released = True

    def save(self):
        """The weights (trained.safetensors) and optimizer state (optimizer.safetensors) as they are now."""
        w = os.path.join(self.run_dir, "trained.safetensors")
        self.layers.write_safetensors(w, self.layers.gluon_state(self.module, self.gluon), {"format": "netloom"})
        slots, step = self.opt.state()
        o = os.path.join(self.run_dir, "optimizer.safetensors")
        self.layers.write_safetensors(o, slots, {"step": step})
        epoch, batch = self.pos
        send("weights", path=w, optimizer=o, optimizerStep=step, lr=self.base_lr, epoch=epoch, batch=batch, step=self.step)

    @torch.no_grad()
    def evaluate(self, part, batch=500):
        p = self.parts[part]
        self.module.eval()
        sums = torch.zeros(2, dtype=torch.float64, device=self.device)
        for s in range(0, p.n, batch):
            x, y = p.batch(slice(s, min(p.n, s + batch)))
            logits = self.module(x)
            sums[0] += F.cross_entropy(logits, y, reduction="sum")
            sums[1] += (logits.argmax(1) == y).sum()
        self.module.train()
        loss, correct = sums.tolist()
        return loss / max(1, p.n), correct / max(1, p.n)

    def evaluate_lead(self, part):
        """Rank 0 evaluates (the model is the same everywhere); the others wait for its figures."""
        r = torch.zeros(2, dtype=torch.float64, device=self.device)
        if self.lead:
            r[:] = torch.tensor(self.evaluate(part), dtype=torch.float64)
        if self.world > 1:
            dist.broadcast(r, 0)
        loss, acc = r.tolist()
        return loss, acc
