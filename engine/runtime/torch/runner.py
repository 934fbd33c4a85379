"""Netloom's torch backend: trains a network in PyTorch and speaks the trainer's events over stdio.

    python3 runner.py RUN_DIR [--device auto|cpu|cuda|cuda:N|mps]
    torchrun --redirects 1 --tee 1 --nproc_per_node N runner.py RUN_DIR ...   # DDP, rank 0 streams

RUN_DIR is written by the engine host (engine/host/torch-run.ts): model.py and netloom_layers.py from the PyTorch
export's generator (the one code path: this runner imports the module the export writes), config.json (the run's
settings), init.safetensors (the starting weights, Gluon names; absent: the document's initializers) and the data
parts as .npy files (images as stored bytes, memory-mapped: read once by the OS, never streamed through Node).

stdout: one JSON object per line, the trainer's events (engine/train/events.ts) plus `ack` (a control was applied)
and `weights` (the trained weights are in RUN_DIR/trained.safetensors). stdin: one JSON control per line
({"cmd": "pause" | "resume" | "step" | "stop" | "setLr" | "save", "seq": n, ...}). stdin closing means the engine is gone:
the runner exits at once, so no Python process outlives the app.
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


def blas_core():
    """The BLAS library this process loaded, and OpenBLAS's core (its kernels) when that is the one."""
    import ctypes

    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1].lower()})
    except OSError:
        return "unknown"
    for lib in libs:
        try:
            core = ctypes.CDLL(lib).openblas_get_corename
            core.restype = ctypes.c_char_p
            return f"OpenBLAS {core().decode()} ({os.path.basename(lib)})"
        except (OSError, AttributeError):
            continue
    return ", ".join(os.path.basename(lib) for lib in libs) or "none loaded"


class Part:
    """One data part (train/validation/test) from its memory-mapped .npy files, batched as Netloom batches."""

    def __init__(self, run_dir, spec, normalize, input_shape):
        self.x = np.load(os.path.join(run_dir, spec["x"]), mmap_mode="r")
        self.y = np.load(os.path.join(run_dir, spec["y"]), mmap_mode="r")
        self.n = int(spec["n"])
        self.shape = list(spec["shape"])
        self.input_shape = list(input_shape)
        c = self.shape[0]
        pick = lambda v, i: (v[0] if len(v) == 1 else v[i]) if v else None  # noqa: E731
        std = [pick(normalize.get("std"), i) or 1.0 for i in range(c)]
        mean = [pick(normalize.get("mean"), i) or 0.0 for i in range(c)]
        # v' = (v * scale - mean) / std, folded into v * a + b as engine/data/batches.ts does
        self.a = torch.tensor([normalize["scale"] / s for s in std], dtype=torch.float32).view(1, c, 1)
        self.b = torch.tensor([-m / s for m, s in zip(mean, std)], dtype=torch.float32).view(1, c, 1)

    def batch(self, idx):
        x = torch.from_numpy(np.ascontiguousarray(self.x[idx])).float()
        n = len(idx)
        x = (x.view(n, self.shape[0], -1) * self.a + self.b).view(n, *self.shape)
        if len(self.shape) == 3 and self.shape[1:] != self.input_shape[1:]:
            # bilinear with half-pixel centres, as engine/data/transforms.ts resizes
            x = F.interpolate(x, size=self.input_shape[1:], mode="bilinear", align_corners=False)
        return x, torch.from_numpy(np.asarray(self.y[idx], dtype=np.int64))


class GluonOptimizer:
    """Gluon's update rules, as engine/runtime/optim.ts: SGD (v = m·v − lr·g; w += v) and Adam, weight decay in g."""

    def __init__(self, params, cfg):
        self.params = [p for p in params if p.requires_grad]
        self.type = cfg.get("type", "sgd")
        self.momentum = cfg.get("momentum") or 0.0
        self.wd = cfg.get("weightDecay") or 0.0
        self.b1, self.b2, self.eps = cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("epsilon", 1e-8)
        self.lr = cfg["lr"]
        self.t = 0
        self.slots = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.t += 1
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad + self.wd * p if self.wd else p.grad
            if self.type == "sgd":
                if not self.momentum:
                    p.sub_(g, alpha=self.lr)
                    continue
                v = self.slots.setdefault(id(p), torch.zeros_like(p))
                v.mul_(self.momentum).sub_(g, alpha=self.lr)
                p.add_(v)
            else:
                m = self.slots.setdefault((id(p), "m"), torch.zeros_like(p))
                v = self.slots.setdefault((id(p), "v"), torch.zeros_like(p))
                m.mul_(self.b1).add_(g, alpha=1 - self.b1)
                v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
                mhat, vhat = m / (1 - self.b1**self.t), v / (1 - self.b2**self.t)
                p.sub_(self.lr * mhat / (vhat.sqrt() + self.eps))


def scheduled_lr(s, base, epoch, step, total):
    """engine/train/schedule.ts: constant, step decay, cosine to minLr."""
    if not s or s.get("type", "constant") == "constant":
        return base
    if s["type"] == "step":
        return base * s["gamma"] ** (epoch // s["every"])
    low = s.get("minLr", 0)
    return low + (base - low) * 0.5 * (1 + math.cos(math.pi * min(step, total) / max(1, total)))


def epoch_order(n, seed, epoch):
    return np.random.RandomState((seed * 7919 + epoch) % (2**32)).permutation(n)


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
        self.save = lambda path: netloom_layers.write_safetensors(
            path, netloom_layers.gluon_state(self.module, generated.PARAMS), {"format": "netloom", "layout": "gluon"}
        )
        norm, shape = cfg["normalize"], cfg["inputShape"]
        self.parts = {k: Part(run_dir, v, norm, shape) for k, v in cfg["parts"].items()}
        self.opt = GluonOptimizer(self.net.parameters(), cfg["optimizer"])
        self.base_lr = cfg["optimizer"]["lr"]
        self.controls = Controls(self.lead)
        self.steps_left = 0 if cfg.get("startPaused") else math.inf
        self.pause_at = cfg.get("pauseAtStep")
        self.state = "idle"
        self.stopping = False
        self.step = 0

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
        elif cmd == "save":  # a checkpoint mid-run: the weights as they are after the last batch
            self.save(os.path.join(RUN_DIR, "trained.safetensors"))
            send("weights", path=os.path.join(RUN_DIR, "trained.safetensors"), step=self.step)
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
            while self.steps_left <= 0 and not self.stopping:
                if self.state != "paused":
                    self.flush()
                    self.set_state("paused")
                self.apply(self.controls.get(block=True))
            go = not self.stopping
            if go and self.state != "running":
                self.set_state("running")
            if go:
                self.steps_left -= 1
        if self.world > 1:
            t = torch.tensor([1.0 if go else 0.0, self.base_lr], dtype=torch.float64)
            dist.broadcast(t, 0)
            go, self.base_lr = bool(t[0].item()), float(t[1].item())
        return go

    def hold_at(self, step):
        if self.pause_at is None or step < self.pause_at:
            return
        if step == self.pause_at:
            self.steps_left = 0
        self.pause_at = None

    def flush(self):
        if self.unsent is not None and self.lead:
            send("progress", **self.unsent)
        self.unsent = None

    @torch.no_grad()
    def evaluate(self, part, batch=500):
        p = self.parts[part]
        self.module.eval()
        loss = correct = 0.0
        for s in range(0, p.n, batch):
            x, y = p.batch(np.arange(s, min(p.n, s + batch)))
            logits = self.module(x.to(self.device))
            y = y.to(self.device)
            loss += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
        self.module.train()
        return loss / max(1, p.n), correct / max(1, p.n)

    def evaluate_lead(self, part):
        """Rank 0 evaluates (the model is the same everywhere); the others wait for its figures."""
        r = torch.zeros(2, dtype=torch.float64)
        if self.lead:
            r[:] = torch.tensor(self.evaluate(part), dtype=torch.float64)
        if self.world > 1:
            dist.broadcast(r, 0)
        return float(r[0]), float(r[1])

    def train(self):
        cfg = self.cfg
        epochs, bs, seed = cfg["epochs"], cfg["batchSize"], cfg.get("seed", 0)
        every = cfg.get("progressEveryMs", 100) / 1000
        train = self.parts["train"]
        batches = math.ceil(train.n / bs)
        total = batches * epochs
        val_part = "validation" if "validation" in self.parts and self.parts["validation"].n else "test"
        early = cfg.get("earlyStopping")
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
            )
        self.unsent = None
        self.hold_at(0)
        self.set_state("running" if self.steps_left > 0 else "paused")
        train_time = images = last_emit = 0.0
        best, bad, early_stopped, reason, last_acc, last_val, epoch = math.inf, 0, False, None, 0.0, None, 0
        stopped = False
        self.module.train()
        for epoch in range(epochs):
            order = epoch_order(train.n, seed, epoch)
            t0 = time.time()
            sums = torch.zeros(3, dtype=torch.float64)  # loss·n, correct, n over the whole global batch
            for b in range(batches):
                if not self.gate():
                    stopped = True
                    break
                lr = self.opt.lr = scheduled_lr(cfg.get("schedule"), self.base_lr, epoch, self.step, total)
                idx = order[b * bs : (b + 1) * bs]
                n = len(idx)
                x, y = train.batch(idx[self.rank :: self.world])  # this process's share of the global batch
                s0 = time.time()
                x, y = x.to(self.device), y.to(self.device)
                logits = self.net(x)
                # DDP averages gradients over processes: weight each share so the result is the global batch's mean
                loss = F.cross_entropy(logits, y, reduction="sum") * (self.world / n)
                local = torch.tensor([loss.item() * n / self.world, (logits.argmax(1) == y).sum().item()])
                ok = math.isfinite(local[0].item())
                if self.world > 1:
                    flag = torch.tensor([0.0 if ok else 1.0])
                    dist.all_reduce(flag)
                    ok = flag.item() == 0
                if ok:
                    self.opt.zero_grad()
                    loss.backward()
                    self.opt.step()
                if self.world > 1:
                    dist.all_reduce(local)
                if self.device.type == "cuda":
                    torch.cuda.synchronize(self.device)
                train_time += time.time() - s0
                images += n
                self.step += 1
                self.hold_at(self.step)
                batch_loss = local[0].item() / n
                if not ok:
                    kind = "nan" if math.isnan(batch_loss) else "inf"
                    if self.lead:
                        send(
                            "anomaly",
                            kind=kind,
                            step=self.step,
                            epoch=epoch,
                            batch=b,
                            block=None,
                            message=f"the loss became {'NaN' if kind == 'nan' else 'Infinity'} at step {self.step}; "
                            "the update was skipped and training paused",
                        )
                    self.steps_left = 0
                    continue
                sums += torch.tensor([local[0].item(), local[1].item(), n], dtype=torch.float64)
                self.unsent = dict(
                    epoch=epoch,
                    batch=b + 1,
                    batches=batches,
                    step=self.step,
                    loss=batch_loss,
                    accuracy=local[1].item() / n,
                    lr=lr,
                    imagesPerSecond=images / max(train_time, 1e-9),
                )
                now = time.time()
                if now - last_emit >= every or b == batches - 1 or self.steps_left == 0:
                    last_emit = now
                    self.flush()
            train_seconds = time.time() - t0  # the batches alone, controls and events included
            if stopped:
                break
            val_loss, val_acc = self.evaluate_lead(val_part)
            last_val = (val_loss, val_acc)
            last_acc = sums[1].item() / sums[2].item() if sums[2] else 0.0
            if self.lead:
                send(
                    "epoch",
                    epoch=epoch,
                    trainLoss=finite(sums[0].item() / sums[2].item()) if sums[2] else None,
                    trainAccuracy=last_acc,
                    valLoss=finite(val_loss),
                    valAccuracy=val_acc,
                    valSource=val_part,
                    seconds=time.time() - t0,
                    trainSeconds=train_seconds,
                    lr=self.opt.lr,
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
                        epoch += 1
                        break
        done_epochs = epoch if stopped or early_stopped else epochs
        test_loss, test_acc = self.evaluate_lead("test")
        if self.lead:
            self.save(os.path.join(RUN_DIR, "trained.safetensors"))
            send("weights", path=os.path.join(RUN_DIR, "trained.safetensors"))
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
                epochs=done_epochs,
                steps=self.step,
                stopped=stopped,
                earlyStopped=early_stopped,
                processes=self.world,
                device=str(self.device),
            )


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
        if device.type == "cpu":  # processes share the cores instead of each taking all of them
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", world))))
    elif cfg.get("threads"):
        torch.set_num_threads(int(cfg["threads"]))
    torch.manual_seed(cfg.get("seed", 0))
    run = Run(RUN_DIR, cfg, device, world, rank)
    try:
        run.train()
    finally:
        OUT.flush()
        if world > 1:
            dist.destroy_process_group()
    return 0


RUN_DIR = ""

if __name__ == "__main__":
    sys.exit(main())
