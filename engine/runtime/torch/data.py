"""The torch runner's data: the same samples, splits and visiting order as engine/data, read here from the files.

The engine host (engine/host/torch-data.ts) passes what its own loader resolved in config.json's "data":
    {"kind": "idx", "files": {trainImages, trainLabels, testImages, testLabels}, "draw": {...}, "counts": {...}}
    {"kind": "csv", "file", "delimiter", "labelColumn", "classes", "draw", "counts"}
    {"kind": "npy", "parts": {name: {x, y, n, shape}}}   # image folders: Node's decoded bytes (see torch-data.ts)
"draw" is how engine/data/load.ts chose the parts (seed, limit, testFraction, the validation count), and this module
repeats it with a port of engine/data/transforms.ts's mulberry32 Fisher–Yates, so both engines train on the same
samples in the same order (torch-data.test.ts compares the first batches). "counts" are Node's part sizes: a
mismatch is an error, never a silent difference.

    python3 data.py RUN_DIR EPOCH BATCH OUT   # the batch the runner trains on: OUT.x (float32), OUT.y (int32), raw
"""
import csv
import gzip
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

M32 = 0xFFFFFFFF


def mulberry32(seed, count):
    """The first `count` draws of engine/data/transforms.ts's mulberry32(seed), as float64 in [0, 1).

    Its state only adds 0x6D2B79F5 per draw, so draw k hashes seed + k·0x6D2B79F5: the stream is computed at once.
    """
    a = (np.uint64(seed & M32) + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x6D2B79F5)) & np.uint64(M32)
    mask = np.uint64(M32)

    def imul(x, y):
        return (x * y) & mask  # Math.imul's low 32 bits (x, y < 2^32, so the product fits in 64)

    t = imul(a ^ (a >> np.uint64(15)), a | np.uint64(1))
    t = t ^ ((t + imul(t ^ (t >> np.uint64(7)), t | np.uint64(61))) & mask)
    return (t ^ (t >> np.uint64(14))).astype(np.float64) / 4294967296.0


def shuffled_indices(n, seed):
    """engine/data/transforms.ts shuffledIndices: a seeded Fisher–Yates permutation of 0..n-1 (the same one)."""
    if n < 2:
        return np.arange(n, dtype=np.int64)
    i = np.arange(n - 1, 0, -1, dtype=np.float64)
    js = np.floor(mulberry32(seed, n - 1) * (i + 1)).astype(np.int64).tolist()  # Math.floor(rand() * (i + 1))
    idx = list(range(n))
    for i, j in zip(range(n - 1, 0, -1), js):
        idx[i], idx[j] = idx[j], idx[i]
    return np.array(idx, dtype=np.int64)


def epoch_order(n, seed, epoch):
    """engine/data/batches.ts epochOrder(n, true, seed, epoch)."""
    mixed = ((((seed & M32) ^ 0x9E3779B9) * 0x85EBCA6B) + epoch) & M32
    return shuffled_indices(n, mixed)


def js_round(v):
    return math.floor(v + 0.5)  # Math.round, for the positive counts here (Python's round() is to even)


def hold_out(n, held, seed):
    """engine/data/transforms.ts holdOut with `held` samples: (rest, held) file indices, each in file order."""
    perm = shuffled_indices(n, seed)
    return np.sort(perm[held:]), np.sort(perm[:held])


def read_idx(path, kind):
    """An IDX file (gzip by its magic, as engine/data/idx.ts): (dims, uint8 array of prod(dims))."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[:4], "big")
    want = {"images": 0x803, "labels": 0x801}[kind]
    if magic != want:
        raise ValueError(f"{path}: expected IDX {kind} magic {want:#010x}, found {magic:#010x}")
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(nd)]
    size = int(np.prod(dims))
    if len(raw) != 4 + 4 * nd + size:
        raise ValueError(f"{path}: IDX header [{', '.join(map(str, dims))}] does not match its {len(raw)} bytes")
    return dims, np.frombuffer(raw, np.uint8, size, 4 + 4 * nd).reshape(dims)


def read_csv(spec):
    """engine/data/csv.ts's table: features as float32, labels as indices into Node's class order."""
    with open(spec["file"], newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f, delimiter=spec["delimiter"]) if len(r) > 1 or (r and r[0].strip())]
    header, want = [h.strip() for h in rows[0]], spec["labelColumn"]
    near = [i for i, h in enumerate(header) if h.lower() == want.lower()]
    li = header.index(want) if want in header else near[0]  # exactly, else the one case-insensitive match (as Node)
    index = {c: i for i, c in enumerate(spec["classes"])}
    data = rows[1:]
    x = np.array([[float(c) for k, c in enumerate(r) if k != li] for r in data], dtype=np.float32)
    y = np.array([index[r[li].strip()] for r in data], dtype=np.int64)
    return x.reshape(len(data), -1), y


def load_parts(spec, run_dir):
    """{part: (x, y)} as numpy arrays (x as stored: uint8 images CHW or float32 features), chosen as Node chose."""
    if spec["kind"] == "npy":
        return {
            k: (np.load(os.path.join(run_dir, p["x"])), np.load(os.path.join(run_dir, p["y"])).astype(np.int64))
            for k, p in spec["parts"].items()
        }
    draw, counts = spec["draw"], spec["counts"]
    seed, limit = draw.get("seed", 0), draw.get("limit")
    if spec["kind"] == "idx":
        f = spec["files"]
        train = (read_idx(f["trainImages"], "images")[1], read_idx(f["trainLabels"], "labels")[1].astype(np.int64))
        test = (read_idx(f["testImages"], "images")[1], read_idx(f["testLabels"], "labels")[1].astype(np.int64))
        train, test = ((x[:, None], y) for x, y in (train, test))  # (N, H, W) → CHW with one channel
    elif spec["kind"] == "csv":
        x, y = read_csv(spec)
        rest, held = hold_out(len(y), js_round(len(y) * draw["testFraction"]), seed)
        train, test = (x[rest], y[rest]), (x[held], y[held])
    else:
        raise ValueError(f"unknown data kind {spec['kind']}")
    if limit is not None:
        train, test = (train[0][:limit], train[1][:limit]), (test[0][:limit], test[1][:limit])
    parts = {"train": train, "test": test}
    if counts.get("validation"):
        # seed + 1, as load.ts: the validation draw must not repeat the test draw's order
        rest, held = hold_out(len(train[1]), counts["validation"], seed + 1)
        parts = {"train": (train[0][rest], train[1][rest]), "validation": (train[0][held], train[1][held]), "test": test}
    for k, n in counts.items():
        got = len(parts[k][1]) if k in parts else 0
        if got != n:
            raise ValueError(f"the {k} part has {got} samples here but {n} in the engine: the data set changed")
    return parts


class Part:
    """One part as its stored values (uint8 images CHW or float32 features); batches gather, convert and normalise.

    On the CPU the values stay a numpy array: numpy's gather and float32 arithmetic cost ~0.1 ms for a 256-image
    batch, where torch 1.13's uint8 index_select and broadcasting arithmetic cost 5–9 ms of CPU (measured here).
    On a GPU they live on the device, and the batch is gathered there.
    """

    def __init__(self, x, y, normalize, input_shape, device):
        self.n = len(y)
        self.shape = list(x.shape[1:])
        self.input_shape = list(input_shape)
        self.device = device
        self.x, self.y = np.ascontiguousarray(x), np.ascontiguousarray(y, dtype=np.int64)
        c = self.shape[0]
        pick = lambda v, i: (v[0] if len(v) == 1 else v[i]) if v else None  # noqa: E731
        std = [pick(normalize.get("std"), i) or 1.0 for i in range(c)]
        mean = [pick(normalize.get("mean"), i) or 0.0 for i in range(c)]
        # v' = (v * scale - mean) / std, folded into v * a + b (float32) as engine/data/batches.ts does
        shape = (1, c) + (1,) * (len(self.shape) - 1)
        self.a = np.array([normalize["scale"] / s for s in std], dtype=np.float32).reshape(shape)
        self.b = np.array([-m / s for m, s in zip(mean, std)], dtype=np.float32).reshape(shape)
        self.shift = bool(self.b.any())
        self.resize = len(self.shape) == 3 and self.shape[1:] != self.input_shape[1:]
        if device.type != "cpu":
            self.x, self.y = torch.from_numpy(self.x).to(device), torch.from_numpy(self.y).to(device)
            self.a, self.b = torch.from_numpy(self.a).to(device), torch.from_numpy(self.b).to(device)

    def batch(self, idx):
        """Samples `idx` (an int64 numpy array, or a slice) as (x float32 [n, *input_shape], y int64) on the device."""
        if self.device.type == "cpu":
            x = self.x[idx].astype(np.float32)
            x *= self.a
            if self.shift:
                x += self.b
            x, y = torch.from_numpy(x), torch.from_numpy(self.y[idx])
        else:
            if not isinstance(idx, slice):
                idx = torch.from_numpy(np.ascontiguousarray(idx)).to(self.device)
            x, y = self.x[idx].float().mul_(self.a), self.y[idx]
            if self.shift:
                x.add_(self.b)
        if self.resize:
            # bilinear with half-pixel centres, as engine/data/transforms.ts resizes
            x = F.interpolate(x, size=self.input_shape[1:], mode="bilinear", align_corners=False)
        return x, y


def open_parts(cfg, run_dir, device):
    parts = load_parts(cfg["data"], run_dir)
    return {k: Part(x, y, cfg["normalize"], cfg["inputShape"], device) for k, (x, y) in parts.items()}


def main(argv):
    """The batch (epoch, b) the runner trains on, as raw little-endian arrays for the tests (torch-data.test.ts)."""
    run_dir, epoch, b, out = argv[0], int(argv[1]), int(argv[2]), argv[3]
    with open(os.path.join(run_dir, "config.json")) as f:
        cfg = json.load(f)
    train = open_parts(cfg, run_dir, torch.device("cpu"))["train"]
    bs = cfg["batchSize"]
    order = epoch_order(train.n, cfg.get("seed", 0), epoch)
    x, y = train.batch(order[b * bs : (b + 1) * bs])
    x.numpy().astype("<f4").tofile(out + ".x")
    y.numpy().astype("<i4").tofile(out + ".y")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
