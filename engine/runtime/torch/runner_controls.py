"""The run's controls (pause, resume, step, stop, setLr, save, and the debugging streams' measure, inspect and
release), applied between batches on rank 0, each acked so the host knows where the run is; with several processes
rank 0 broadcasts whether to go on and the learning rate, so every rank agrees."""
import math
import time

import torch
import torch.distributed as dist
from runner_events import send


class Controlled:
    """A mixin of Run: the state it reports and the controls that move it (Setup holds the fields)."""

    def set_state(self, s, reason=None):
        self.state = s
        if self.lead:
            send("state", state=s, **({"reason": reason} if reason else {}))

    def apply(self, c):
        """One control from the engine; the ack tells it which controls the run has taken in."""
        cmd = c.get("cmd")
        if cmd == "pause":
            self.steps_left = 0
        elif cmd == "resume":
            self.steps_left = math.inf
        elif cmd == "step":
            self.steps_left = int(c.get("batches", 1))
        elif cmd == "stop":
            self.stopping = True
        elif cmd == "setLr":
            self.base_lr = float(c["lr"])
        elif cmd == "save":  # a checkpoint mid-run: the weights and optimizer state after the last batch
            self.save()
        elif cmd == "measure":
            self.measure = bool(c.get("on", True))
        elif cmd == "inspect":
            try:
                self.inspect(c)
            except Exception as e:  # a bad request must not end the run: the host reports it
                send("inspection", seq=c.get("seq", 0), error=f"{type(e).__name__}: {e}")
        elif cmd == "release":
            self.released = True
        if cmd in ("resume", "step") and self.state == "paused" and not self.stopping:
            self.set_state("running")
        send("ack", seq=c.get("seq", 0), state=self.state)

    def gate(self):
        """Between batches: applies controls, waits while paused; False when the run should end. All ranks agree."""
        go = True
        if self.lead:
            while True:
                c = self.controls.get(block=False)
                if c is None:
                    break
                self.apply(c)
            if self.steps_left <= 0 and not self.stopping:
                t0 = time.perf_counter()
                while self.steps_left <= 0 and not self.stopping:
                    if self.state != "paused":
                        self.flush()
                        self.set_state("paused")
                    self.apply(self.controls.get(block=True))
                self.waited += time.perf_counter() - t0
            go = not self.stopping
            if go and self.state != "running":
                self.set_state("running")
            if go:
                self.steps_left -= 1
        if self.world > 1:
            t = torch.tensor([1.0 if go else 0.0, self.base_lr], dtype=torch.float64, device=self.device)
            dist.broadcast(t, 0)  # on the device: nccl moves CUDA tensors only (gloo takes CPU ones)
            go, self.base_lr = t.tolist()
            go = bool(go)
        return go

    def hold_at(self, step):
        if self.pause_at is None or step < self.pause_at:
            return
        if step == self.pause_at:
            self.steps_left = 0
        self.pause_at = None

    def flush(self):
        if self.unsent is not None and self.lead:
            send("progress", **self.unsent, **({"norms": self.rows} if self.rows else {}))
            self.rows = []
        self.unsent = None
