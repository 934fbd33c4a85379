"""Where a run executes: the device (CUDA, Apple's MPS, the CPU), its CPU threads, and the DDP process group when
torchrun started several processes (gloo on CPU, nccl on CUDA; rank 0 streams the events)."""
import datetime
import os
import platform
import sys

import torch
import torch.distributed as dist


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


def threads_for(cfg, world):
    """CPU threads: the run's setting, else every core this process may use (split between local processes).

    Not torch's default: Debian's OpenMP build starts with one thread here (omp_get_max_threads() = 1 on two
    cores), which left the torch backend at 0.76× of engine/bench/reference.py, which asks for all of them.
    """
    if cfg.get("threads"):
        return int(cfg["threads"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // max(1, int(os.environ.get("LOCAL_WORLD_SIZE", world))))


def setup(want, cfg):
    """This process's place in the run, from torchrun's environment (one process without it): (device, world,
    rank), with the process group joined when there are several, the CPU threads set and the seed planted."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    device = pick_device(want, local)
    if world > 1:
        # A paused run holds the other ranks in a broadcast: no collective timeout while a person looks.
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo", timeout=datetime.timedelta(days=7))
    if device.type == "cpu":
        torch.set_num_threads(threads_for(cfg, world))
    torch.manual_seed(cfg.get("seed", 0))
    return device, world, rank


def leave(world):
    """After a DDP run, once its files and events are written: torch 1.13 can deadlock tearing DDP down (the
    Reducer's ProcessGroupGloo destructor joins a gloo thread that waits for the GIL the joining thread holds),
    seen as one rank spinning forever after `done`, so the process leaves without the interpreter's teardown."""
    if world > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
