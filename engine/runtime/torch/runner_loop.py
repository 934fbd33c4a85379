"""The train loop: epochs of batches in engine/data's order (each process its share of the global batch), the
forward, backward and Gluon update with one read per batch, the learning-rate schedule, progress and epoch events,
early stopping, the final test evaluation and the run's weights; per-phase seconds with config "profile"."""
import math
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from blas import blas_core
from data import epoch_order
from runner_controls import Controlled
from runner_debug import Debugging
from runner_dist import device_name
from runner_events import finite, send
from runner_setup import Setup


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


class Run(Setup, Controlled, Debugging):
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

    def announce(self, train, batches):
        """Rank 0's `start` event: the backend, device, processes, BLAS and threads the run uses."""
        cfg = self.cfg
        send(
            "start",
            backend="torch",
            backendReason=f"{cfg['backendReason']}; on {self.device} ({device_name(self.device)})"
            + (f", {self.world} processes" if self.world > 1 else ""),
            network=cfg["network"],
            params=sum(t.numel() for t in self.module.state_dict().values()),
            samples=train.n,
            batchesPerEpoch=batches,
            epochs=cfg["epochs"],
            batchSize=cfg["batchSize"],
            device=str(self.device),
            deviceName=device_name(self.device),
            processes=self.world,
            blas=blas_core(),
            threads=torch.get_num_threads(),
            data=cfg["data"]["kind"],
            healthNames=[n for n, _ in self.opt.named],
        )

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
            self.announce(train, batches)
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
                    if self.lead:
                        self.report_nonfinite(x, "nan" if math.isnan(batch_loss) else "inf", epoch, b)
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
