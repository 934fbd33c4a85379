"""Train the exported network with the project's settings, on one process or many (DDP).

    python3 train.py [--data DIR] [--epochs N] [--limit N] [--weights FILE] [--save FILE]
    torchrun --redirects 1 --tee 1 --nproc_per_node 2 train.py ...   # DDP: gloo on CPU, nccl on GPUs

Reads Fashion-MNIST (or MNIST) IDX files, gzipped or not, from --data, Netloom's cache or Debian's
/usr/share/datasets/fashion-mnist. Images are scaled to [0, 1] and resized (bilinear, half-pixel centres, as Netloom)
to the network's input. The batch size is the whole step's: under torchrun each process takes its share and DDP
averages the gradients, so N processes train as one. Rank 0 prints. Starts from the document's initializers, or from
--weights (e.g. weights.safetensors: continue Netloom's training); --save writes Gluon-named safetensors Netloom reads.
(Debian 12's torchrun needs `--redirects 1 --tee 1`; without them it fails with "'NoneType' object has no attribute
'get'".)
"""
import argparse
import gzip
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

import netloom_layers
from model import INPUT_SHAPE, PARAMS, build

SETTINGS = {}  # the project's training settings, written by Netloom's export

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def data_dirs(name, given):
    if given:
        return [given]
    cache = os.environ.get("NETLOOM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "netloom"
    )
    dirs = [os.path.join(cache, "datasets", name)]
    return dirs + (["/usr/share/datasets/fashion-mnist"] if name == "fashion-mnist" else [])


def read_idx(folder, stem):
    """One IDX file (`stem`, `stem.gz` or the `train-images.idx3-ubyte` spelling) as a numpy array."""
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx")):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                raw = f.read()
            raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            rank = raw[3]
            dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
            data = np.frombuffer(raw, np.uint8, int(np.prod(dims)), 4 + 4 * rank)
            return data.reshape(dims)
    return None


def load(part, args):
    name = SETTINGS.get("dataset", "fashion-mnist")
    if name not in ("fashion-mnist", "mnist") and not args.data:
        sys.exit(f"train.py: reads IDX data sets (fashion-mnist, mnist), not {name!r}; give --data DIR with IDX files")
    for folder in data_dirs(name, args.data):
        images, labels = (read_idx(folder, stem) for stem in FILES[part])
        if images is not None and labels is not None:
            n = min(len(labels), args.limit or len(labels))
            return torch.from_numpy(images[:n].copy()), torch.from_numpy(labels[:n].astype(np.int64))
    sys.exit(f"train.py: no {name} {part} files in {' or '.join(data_dirs(name, args.data))}")


def to_input(images):
    """uint8 (N, 28, 28) → float32 (N, *INPUT_SHAPE) in [0, 1], resized as Netloom resizes."""
    x = images.float().div_(255).unsqueeze(1)
    if len(INPUT_SHAPE) != 3 or INPUT_SHAPE[0] != 1:
        sys.exit(f"train.py: the network takes {INPUT_SHAPE} per sample, not (1, H, W) images")
    if tuple(x.shape[2:]) != tuple(INPUT_SHAPE[1:]):
        x = F.interpolate(x, size=INPUT_SHAPE[1:], mode="bilinear", align_corners=False)
    return x


def lr_at(epoch, step, total):
    """The schedule of the document: constant, step decay (×gamma every `every` epochs) or cosine to minLr."""
    base, s = SETTINGS["lr"], SETTINGS.get("schedule") or {"type": "constant"}
    if s["type"] == "step":
        return base * s["gamma"] ** (epoch // s["every"])
    if s["type"] == "cosine":
        low = s.get("minLr", 0)
        return low + (base - low) * 0.5 * (1 + math.cos(math.pi * min(step, total) / max(1, total)))
    return base


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="folder with the four IDX files")
    ap.add_argument("--epochs", type=int, default=SETTINGS.get("epochs", 10))
    ap.add_argument("--batch-size", type=int, default=SETTINGS.get("batchSize", 256))
    ap.add_argument("--lr", type=float, help="overrides the project's learning rate")
    ap.add_argument("--limit", type=int, help="use only the first N training and test samples")
    ap.add_argument("--weights", help="start from these weights (Gluon-named safetensors) instead of initializers")
    ap.add_argument("--save", help="write the trained weights here (Gluon-named safetensors)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.lr:
        SETTINGS["lr"] = args.lr

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
        if not cuda:  # processes share the cores instead of each taking all of them
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", world))))
    torch.manual_seed(args.seed)
    say = print if rank == 0 else (lambda *a, **k: None)

    model = build(args.weights)
    if not args.weights:
        netloom_layers.initialize(model, PARAMS)
    model.to(device)
    net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local] if cuda else None) if world > 1 else model

    trainable = [p for p in net.parameters() if p.requires_grad]
    wd = SETTINGS.get("weightDecay", 0)
    if SETTINGS.get("optimizer", "sgd") == "adam":
        opt = torch.optim.Adam(trainable, lr=SETTINGS["lr"], weight_decay=wd)
    else:
        opt = torch.optim.SGD(trainable, lr=SETTINGS["lr"], momentum=SETTINGS.get("momentum", 0), weight_decay=wd)

    x_train, y_train = load("train", args)
    x_test, y_test = load("test", args)
    data = torch.utils.data.TensorDataset(x_train, y_train)
    per_process = max(1, args.batch_size // world)
    sampler = torch.utils.data.DistributedSampler(data, world, rank, seed=args.seed) if world > 1 else None
    loader = torch.utils.data.DataLoader(data, per_process, shuffle=sampler is None, sampler=sampler)
    total = args.epochs * len(loader)
    say(f"training {len(data)} images, {args.epochs} epoch(s), batch {per_process * world} on {world} process(es), {device}")

    step = 0
    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        net.train()
        t0, sums = time.time(), torch.zeros(3, dtype=torch.float64, device=device)  # loss·n, correct, n
        for images, labels in loader:
            for g in opt.param_groups:
                g["lr"] = lr_at(epoch, step, total)
            x, y = to_input(images).to(device), labels.to(device)
            logits = net(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            sums += torch.tensor([loss.item() * len(y), (logits.argmax(1) == y).sum().item(), len(y)], device=device)
        if world > 1:
            dist.all_reduce(sums)
        loss, acc, n = sums.tolist()
        speed = n / (time.time() - t0)
        test_acc = evaluate(model, x_test, y_test, device) if rank == 0 else 0.0
        say(
            f"epoch {epoch + 1}/{args.epochs}: loss {loss / n:.4f}, train acc {acc / n:.4f}, "
            f"test acc {test_acc:.4f}, {speed:.0f} img/s"
        )
    if args.save and rank == 0:
        netloom_layers.write_safetensors(args.save, netloom_layers.gluon_state(model, PARAMS), {"format": "netloom"})
        say(f"saved {args.save}")
    if world > 1:
        # torch 1.13 can deadlock tearing DDP down at exit (a gloo thread waits for the GIL the joining thread
        # holds), leaving one rank spinning after the run: everything is written, so leave directly.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


def evaluate(model, images, labels, device, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits = model(to_input(images[i : i + batch]).to(device))
            correct += (logits.argmax(1).cpu() == labels[i : i + batch]).sum().item()
    return correct / max(1, len(labels))


if __name__ == "__main__":
    sys.exit(main())
