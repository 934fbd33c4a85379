"""PyTorch reference for `npm run bench`: the same MLP, LeNet and ResNet-18 (28x28 input) as the templates,
trained with SGD(lr 0.01, momentum 0.9) + softmax cross-entropy on real Fashion-MNIST batches, on as many threads as
the cores this process may use (--threads; the torch backend's runner takes the same number: runner_dist.py threads_for).
Prints one JSON line per net: {"net": ..., "runs": [images/s, ...], "blas": ..., "threads": N}.

    python3 engine/bench/reference.py [--nets mlp,lenet,resnet18] [--repeats 5] [--batch 256] [--threads N]

Fairness: Debian's python3-torch uses the reference BLAS unless OpenBLAS is installed
(libopenblas0-openmp); .ci/run installs it. reference.ts runs this with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
unset (they slow the dense layers here); each line says which BLAS core ran ("blas").
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

# The BLAS report is the torch runner's own (one definition for both sides of the comparison).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'runtime', 'torch'))
from blas import blas_core  # noqa: E402

DATA = '/usr/share/datasets/fashion-mnist'


def images(n):
    for name in ('train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte'):
        p = os.path.join(DATA, name)
        if os.path.exists(p):
            raw = (gzip.open if name.endswith('.gz') else open)(p, 'rb').read()
            x = np.frombuffer(raw, dtype=np.uint8, offset=16)[: n * 784].reshape(n, 1, 28, 28)
            return torch.from_numpy(x.astype(np.float32) / 255.0)
    return torch.rand(n, 1, 28, 28)  # no data set installed: the timing is the same


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(20, 50, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(1250, 128), nn.ReLU(), nn.Linear(128, 10))


class Residual(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv3 = nn.Conv2d(cin, cout, 1, stride) if (stride != 1 or cin != cout) else None

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (self.conv3(x) if self.conv3 is not None else x))


def resnet18():
    layers = [nn.Conv2d(1, 64, 7, 2, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, c in enumerate((64, 128, 256, 512)):
        layers += [Residual(cin, c, 1 if i == 0 else 2), Residual(c, c, 1)]
        cin = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def bench(name, batch, repeats):
    net = {'mlp': mlp, 'lenet': lenet, 'resnet18': resnet18}[name]()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = images(batch * 4)
    y = torch.randint(0, 10, (batch * 4,))

    def step(i):
        s = slice((i % 4) * batch, (i % 4 + 1) * batch)
        opt.zero_grad()
        loss_fn(net(x[s]), y[s]).backward()
        opt.step()

    t0 = time.perf_counter()
    step(0)
    step(1)
    steps = max(1, round(2.0 / ((time.perf_counter() - t0) / 2)))
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        for i in range(steps):
            step(i)
        runs.append(steps * batch / (time.perf_counter() - t))
    return runs


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--nets', default='mlp,lenet,resnet18')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--threads', type=int, default=len(os.sched_getaffinity(0)))
    a = ap.parse_args()
    # Set, not left to torch: Debian's OpenMP build starts with one thread on this machine's two cores.
    torch.set_num_threads(a.threads)
    for n in a.nets.split(','):
        runs = bench(n, a.batch, a.repeats)
        line = {'net': n, 'runs': runs, 'median': statistics.median(runs), 'blas': blas_core(), 'threads': a.threads}
        print(json.dumps(line), flush=True)
