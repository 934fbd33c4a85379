"""Netloom's torch backend: trains a network in PyTorch and speaks the trainer's events over stdio.

    python3 runner.py RUN_DIR [--device auto|cpu|cuda|cuda:N|mps]
    torchrun --redirects 1 --tee 1 --nproc_per_node N runner.py RUN_DIR ...   # DDP, rank 0 streams

RUN_DIR is written by the engine host (engine/host/torch-run.ts): model.py and netloom_layers.py from the PyTorch
export's generator (the one code path: this runner imports the module the export writes), config.json (the run's
settings; its "data" names the files engine/data resolved, which data.py reads itself: IDX, CSV, or for image
folders Node's decoded .npy parts), init.safetensors (the starting weights, Gluon names; absent: the document's
initializers) and, when a run resumes, resume-optimizer.safetensors with config "start" (epoch, batch, step,
optimizer step) and "lr": optim.py's state in the project's layout.

stdout: one JSON object per line, the trainer's events (engine/train/events.ts) plus `ack` (a control was applied)
and `weights` (RUN_DIR/trained.safetensors and optimizer.safetensors hold the run's state at that point, with its
position). Speed: the data lives on the device as stored bytes (batches gather, convert and normalise there), one
read per batch carries the loss, the accuracy and the finiteness check, CPU threads as threads_for() says, and
config "profile" adds per-phase seconds to each epoch event. stdin: one JSON control per line
({"cmd": "pause" | "resume" | "step" | "stop" | "setLr" | "save", "seq": n, ...}). stdin closing means the engine is gone:
the runner exits at once, so no Python process outlives the app.

The debugging streams (engine/host/torch-debug.ts): after {"cmd": "measure"} every applied step's parameter norms
ride on the next progress event ("norms" rows, names in the start event's "healthNames"); {"cmd": "inspect",
"paths", "input", "shape", "values", "grads"} answers one `inspection` line naming a float32 file of the blocks'
probe outputs (config "blockModules": document path → module and call, from the export generator), parameter
values and last gradients; config "hold" ({"every": K} or {"epochEnd": true}) sends `hold` after those steps and
waits, answering controls, for {"cmd": "release"}.
"""
import argparse
import json
import math
import os
import platform
import queue
import sys
import threading
import time

HELD = ("paused", "stopped", "done", "failed")


def die_with_parent():
    """Linux: the kernel kills this process when its parent (the engine, or torchrun's agent) dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


die_with_parent()
# Events own the real stdout; anything else printed (warnings, a library's chatter) goes to stderr.
OUT = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from data import epoch_order, open_parts  # noqa: E402  (beside this file)
from optim import GluonOptimizer  # noqa: E402
from blas import blas_core  # noqa: E402


def send(event, **fields):
    OUT.write(json.dumps({"event": event, **fields}, allow_nan=False, default=float) + "\n")


def finite(v):
    return v if math.isfinite(v) else None


class Controls:
    """Rank 0's view of the controls: a reader thread queues stdin lines; the loop applies them between batches."""

    def __init__(self, enabled):
        self.q = queue.Queue()
        if enabled:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in sys.stdin:
            line = line.strip()
            if line:
                try:
                    self.q.put(json.loads(line))
                except ValueError:
                    print(f"runner: ignored a control that is not JSON: {line[:80]}", file=sys.stderr)
        os._exit(3)  # stdin closed: the engine that started us is gone

    def get(self, block):
        try:
            return self.q.get(block)
        except queue.Empty:
            return None


def pick_device(want, local_rank):
    if want in ("auto", None):
        if torch.cuda.is_available():
            return torch.device(f"cuda:{local_rank}")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if want.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SystemExit(f"--device {want}: CUDA is not available to torch {torch.__version__} on this machine")
        index = int(want.split(":")[1]) if ":" in want else local_rank
        if index >= torch.cuda.device_count():
            raise SystemExit(f"--device {want}: this machine has {torch.cuda.device_count()} CUDA device(s)")
        return torch.device(f"cuda:{index}")
    if want == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise SystemExit("--device mps: Apple's MPS is not available to this torch")
        return torch.device("mps")
    if want == "cpu":
        return torch.device("cpu")
    raise SystemExit(f"--device {want}: expected cpu, cuda, cuda:N or mps")


def device_name(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU"


def scheduled_lr(s, base, epoch, step, total):
    """engine/train/schedule.ts: constant, step decay, cosine to minLr."""
    if not s or s.get("type", "constant") == "constant":
        return base
    if s["type"] == "step":
        return base * s["gamma"] ** (epoch // s["every"])
    low = s.get("minLr", 0)
    return low + (base - low) * 0.5 * (1 + math.cos(math.pi * min(step, total) / max(1, total)))


class Clock:
    """Per-phase wall time of the batch loop (config "profile": the bench's --profile); syncs CUDA per phase."""

    def __init__(self, enabled, device):
        self.on, self.cuda = enabled, device.type == "cuda"
        self.t = {}
        self.last = time.perf_counter()

    def lap(self, phase):
        if not self.on:
            return
        if self.cuda:
            torch.cuda.synchronize()
        now = time.perf_counter()
        self.t[phase] = self.t.get(phase, 0.0) + now - self.last
        self.last = now


class Run:
    def __init__(self, run_dir, cfg, device, world, rank):
        sys.path.insert(0, run_dir)
        import model as generated  # the export generator's model.py for this document
        import netloom_layers

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
        w = os.path.join(RUN_DIR, "trained.safetensors")
        self.layers.write_safetensors(w, self.layers.gluon_state(self.module, self.gluon), {"format": "netloom"})
        slots, step = self.opt.state()
        o = os.path.join(RUN_DIR, "optimizer.safetensors")
        self.layers.write_safetensors(o, slots, {"step": step})
        epoch, batch = self.pos
        send("weights", path=w, optimizer=o, optimizerStep=step, lr=self.base_lr, epoch=epoch, batch=batch, step=self.step)

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
        path = os.path.join(RUN_DIR, f"inspect-{c.get('seq', 0)}.f32")
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

    def train_batch(self, x, y, n, clock):
        """Forward, backward and (when the loss is finite everywhere) the update: [loss·n, correct, bad] summed."""
        logits = self.net(x)
        # DDP averages gradients over processes: weight each share so the result is the global batch's mean
        loss = F.cross_entropy(logits, y, reduction="sum") * (self.world / n)
        clock.lap("forward")
        self.opt.zero_grad()
        loss.backward()
        clock.lap("backward")
        # One small tensor and one read (one sync on a GPU) per batch: the figures and whether to apply the update.
        local = torch.stack([loss.detach() * (n / self.world), (logits.argmax(1) == y).sum().to(loss.dtype)])
        local = torch.cat([local, (~torch.isfinite(local[:1])).to(loss.dtype)])
        if self.world > 1:
            dist.all_reduce(local)
        loss_sum, correct, bad = local.tolist()
        clock.lap("sync")
        if not bad:
            measured = self.opt.step(measure=self.measure and self.lead)
            if measured:
                self.record(*measured)
        clock.lap("step")
        return loss_sum, correct, bad

    def record(self, index, norms):
        """One applied step's row for the host: step, epoch, batch, then per trainable parameter (self.opt.named
        order) ‖w before‖, ‖g‖, ‖w after‖, ‖Δw‖; non-finite figures as null (JSON has no NaN)."""
        flat = [0.0] * (4 * len(self.opt.named))
        for i, r in zip(index, norms.tolist()):
            flat[4 * i : 4 * i + 4] = [finite(v) for v in r]
        self.rows.append([self.step + 1, self.pos[0], self.pos[1], *flat])

    def train(self):
        cfg = self.cfg
        epochs, bs, seed = cfg["epochs"], cfg["batchSize"], cfg.get("seed", 0)
        every = cfg.get("progressEveryMs", 100) / 1000
        train = self.parts["train"]
        batches = math.ceil(train.n / bs)
        total = batches * epochs
        val_part = "validation" if "validation" in self.parts and self.parts["validation"].n else "test"
        early = cfg.get("earlyStopping")
        clock = Clock(bool(cfg.get("profile")), self.device)
        if self.lead:
            send(
                "start",
                backend="torch",
                backendReason=f"{cfg['backendReason']}; on {self.device} ({device_name(self.device)})"
                + (f", {self.world} processes" if self.world > 1 else ""),
                network=cfg["network"],
                params=sum(t.numel() for t in self.module.state_dict().values()),
                samples=train.n,
                batchesPerEpoch=batches,
                epochs=epochs,
                batchSize=bs,
                device=str(self.device),
                deviceName=device_name(self.device),
                processes=self.world,
                blas=blas_core(),
                threads=torch.get_num_threads(),
                data=cfg["data"]["kind"],
                healthNames=[n for n, _ in self.opt.named],
            )
        self.unsent = None
        self.hold_at(self.step)
        self.set_state("running" if self.steps_left > 0 else "paused")
        train_time = images = last_emit = 0.0
        best, bad, early_stopped, reason, last_acc, last_val = math.inf, 0, False, None, 0.0, None
        stopped = False
        self.module.train()
        while self.pos[0] < epochs:
            epoch = self.pos[0]
            order = epoch_order(train.n, seed, epoch)
            t0, waited0 = time.perf_counter(), self.waited
            clock.t = {}
            sums = [0.0, 0.0, 0]  # loss·n, correct, n over the whole global batches
            while self.pos[1] < batches:
                b = self.pos[1]
                if not self.gate():
                    stopped = True
                    break
                s0 = time.perf_counter()
                clock.last = s0
                lr = self.opt.lr = scheduled_lr(cfg.get("schedule"), self.base_lr, epoch, self.step, total)
                idx = order[b * bs : (b + 1) * bs]
                n = len(idx)
                x, y = train.batch(idx[self.rank :: self.world])  # this process's share of the global batch
                clock.lap("data")
                loss_sum, correct, nonfinite = self.train_batch(x, y, n, clock)
                train_time += time.perf_counter() - s0
                images += n
                self.step += 1
                self.pos[1] += 1
                self.hold_at(self.step)
                batch_loss = loss_sum / n
                if nonfinite:
                    kind = "nan" if math.isnan(batch_loss) else "inf"
                    if self.lead:
                        block = self.first_nonfinite(x)
                        where = f'; the first block with a non-finite output is "{block}"' if block else ""
                        send(
                            "anomaly",
                            kind=kind,
                            step=self.step,
                            epoch=epoch,
                            batch=b,
                            block=block,
                            message=f"the loss became {'NaN' if kind == 'nan' else 'Infinity'} at step {self.step}"
                            f"{where}; the update was skipped and training paused",
                        )
                    self.steps_left = 0
                    continue
                sums = [sums[0] + loss_sum, sums[1] + correct, sums[2] + n]
                self.unsent = dict(
                    epoch=epoch,
                    batch=b + 1,
                    batches=batches,
                    step=self.step,
                    loss=batch_loss,
                    accuracy=correct / n,
                    lr=lr,
                    imagesPerSecond=images / max(train_time, 1e-9),
                )
                now = time.perf_counter()
                if now - last_emit >= every or b == batches - 1 or self.steps_left == 0:
                    last_emit = now
                    self.flush()
                self.held_for_host(b == batches - 1)
                clock.lap("events")
            # The batch loop's wall time (data, steps, controls, events), less any time held paused.
            train_seconds = time.perf_counter() - t0 - (self.waited - waited0)
            if stopped:
                break
            self.pos = [epoch + 1, 0]
            val_loss, val_acc = self.evaluate_lead(val_part)
            last_val = (val_loss, val_acc)
            last_acc = sums[1] / sums[2] if sums[2] else 0.0
            if self.lead:
                send(
                    "epoch",
                    epoch=epoch,
                    trainLoss=finite(sums[0] / sums[2]) if sums[2] else None,
                    trainAccuracy=last_acc,
                    valLoss=finite(val_loss),
                    valAccuracy=val_acc,
                    valSource=val_part,
                    seconds=time.perf_counter() - t0,
                    trainSeconds=train_seconds,
                    lr=self.opt.lr,
                    **({"profile": clock.t} if clock.on else {}),
                )
            if early:
                if val_loss < best - (early.get("minDelta") or 0):
                    best, bad = val_loss, 0
                else:
                    bad += 1
                    if bad >= early["patience"]:
                        early_stopped = True
                        reason = (
                            f"early stopping: {val_part} loss has not improved for {bad} epoch"
                            f"{'' if bad == 1 else 's'} (best {best:.4f})"
                        )
                        break
        if self.lead and self.rows:  # a stop's last steps, never flushed with a progress event
            send("norms", norms=self.rows)
            self.rows = []
        test_loss, test_acc = self.evaluate_lead("test")
        if self.lead:
            self.save()
        self.set_state("stopped" if stopped or early_stopped else "done", reason)
        if self.lead:
            extra = {"valLoss": finite(last_val[0]), "valAccuracy": last_val[1], "valSource": val_part} if last_val else {}
            send(
                "done",
                trainAccuracy=last_acc,
                **extra,
                testAccuracy=test_acc,
                testLoss=finite(test_loss),
                imagesPerSecond=images / train_time if train_time else 0,
                backend="torch",
                epochs=self.pos[0],
                steps=self.step,
                stopped=stopped,
                earlyStopped=early_stopped,
                processes=self.world,
                device=str(self.device),
            )


def threads_for(cfg, world):
    """CPU threads: the run's setting, else every core this process may use (split between local processes).

    Not torch's default: Debian's OpenMP build starts with one thread here (omp_get_max_threads() = 1 on two
    cores), which left the torch backend at 0.76× of engine/bench/reference.py, which asks for all of them.
    """
    if cfg.get("threads"):
        return int(cfg["threads"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // max(1, int(os.environ.get("LOCAL_WORLD_SIZE", world))))


def main(argv=None):
    global RUN_DIR
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--device", default="auto")
    args = ap.parse_args(argv)
    RUN_DIR = os.path.abspath(args.run_dir)
    with open(os.path.join(RUN_DIR, "config.json")) as f:
        cfg = json.load(f)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    device = pick_device(args.device, local)
    if world > 1:
        import datetime

        # A paused run holds the other ranks in a broadcast: no collective timeout while a person looks.
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo", timeout=datetime.timedelta(days=7))
    if device.type == "cpu":
        torch.set_num_threads(threads_for(cfg, world))
    torch.manual_seed(cfg.get("seed", 0))
    run = Run(RUN_DIR, cfg, device, world, rank)
    try:
        run.train()
    finally:
        OUT.flush()
    if world > 1:
        # torch 1.13 can deadlock tearing DDP down (the Reducer's ProcessGroupGloo destructor joins a gloo thread
        # that waits for the GIL the joining thread holds): seen as one rank spinning forever after `done`. The
        # run's files and events are written; leave without the interpreter's teardown.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


RUN_DIR = ""

if __name__ == "__main__":
    sys.exit(main())
