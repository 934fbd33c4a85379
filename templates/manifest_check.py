#!/usr/bin/env python3
"""Independent golden numbers for templates/manifest.json.

The networks are written out again here, by hand, the way the Gluon code in the seed notes builds them, and the
shapes and parameter counts are computed with this file's own formulas (Gluon's conv/pool output size, weight and
bias sizes). Nothing is read from the templates or the engine, so a bug in either shows up as a mismatch.

    python3 templates/manifest_check.py          # compare with manifest.json (exit 1 on a difference)
    python3 templates/manifest_check.py --write  # regenerate manifest.json
"""
import json
import math
import os
import sys


class Net:
    """Tracks the current shape, the parameter counts and the output shape of each of the root's children."""

    def __init__(self, shape):
        self.x = tuple(shape)
        self.trainable = 0
        self.non_trainable = 0
        self.children = []

    def child(self, cid):
        self.children.append({"id": cid, "shape": list(self.x)})

    # --- layers: each updates self.x and the counts -------------------------------------------------------
    def conv(self, c, k, s=1, p=0):
        cin, h, w = self.x  # a ValueError here means a conv got a flattened input
        assert h + 2 * p >= k, "window larger than input"
        out = (h + 2 * p - k) // s + 1
        self.trainable += c * cin * k * k + c
        self.x = (c, out, out)
        return self

    def pool(self, k, s=None, p=0):
        c, h, w = self.x
        s = k if s is None else s
        assert h + 2 * p >= k, "window larger than input"
        self.x = (c, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
        return self

    def gap(self):
        self.x = (self.x[0], 1, 1)
        return self

    def flatten(self):
        self.x = (math.prod(self.x),)
        return self

    def dense(self, units, constant=False):
        n = math.prod(self.x) * units + units
        if constant:
            self.non_trainable += n
        else:
            self.trainable += n
        self.x = (units,)
        return self

    def bn(self):
        c = self.x[0]
        self.trainable += 2 * c  # gamma, beta
        self.non_trainable += 2 * c  # running_mean, running_var
        return self

    def same(self):
        """Activation, Dropout, Centered, a shared layer: shape kept, no new parameters."""
        return self


# --- reusable blocks, as the seed's functions and classes ------------------------------------------------
def vgg_block(n, num_convs, c):
    for _ in range(num_convs):
        n.conv(c, 3, p=1)
    n.pool(2, 2)


def nin_block(n, c, k, s, p):
    n.conv(c, k, s, p).conv(c, 1).conv(c, 1)


def inception(n, c1, c2, c3, c4):
    cin, h, w = n.x
    outs = []
    for path in ([(c1, 1, 0)], [(c2[0], 1, 0), (c2[1], 3, 1)], [(c3[0], 1, 0), (c3[1], 5, 2)], ["pool", (c4, 1, 0)]):
        n.x = (cin, h, w)
        for step in path:
            if step == "pool":
                n.pool(3, 1, 1)
            else:
                n.conv(step[0], step[1], 1, step[2])
        outs.append(n.x)
    assert all(o[1:] == outs[0][1:] for o in outs)
    n.x = (sum(o[0] for o in outs),) + outs[0][1:]


def residual(n, c, use_1x1conv=False, strides=1):
    x = n.x
    n.conv(c, 3, strides, 1).bn().conv(c, 3, 1, 1).bn()
    y = n.x
    if use_1x1conv:
        n.x = x
        n.conv(c, 1, strides)
        x = n.x
    assert x == y, f"residual shapes {x} vs {y}"
    n.x = y


def dense_block(n, num_convs, growth):
    for _ in range(num_convs):
        cin, h, w = n.x
        n.bn().conv(growth, 3, 1, 1)  # conv_block: BN → relu → conv
        n.x = (cin + growth, h, w)  # concat(X, Y) on channels


def transition_block(n, c):
    n.bn().conv(c, 1).pool(2, 2)


# --- the networks ------------------------------------------------------------------------------------------
FMNIST = (1, 28, 28)


def mlp(hidden=256):
    n = Net(FMNIST)
    n.dense(hidden); n.child("hidden")
    n.dense(10); n.child("output")
    return n


def fancy_mlp():
    n = Net((20,))
    n.dense(256); n.child("dense")
    n.same(); n.child("relu1")
    n.dense(20, constant=True); n.child("const")  # x·W + 1, W (256, 20) never trained
    n.x = (256,); n.child("again")  # the same dense again: its weight (256, 20) fits the 20 features
    n.same(); n.child("relu2")
    return n


def rec_mlp():
    n = Net(FMNIST)
    n.dense(256).dense(128).dense(64).dense(32); n.child("recmlp")
    n.dense(10); n.child("out")
    return n


def shared_mlp():
    n = Net(FMNIST)
    n.dense(4); n.child("first")
    n.dense(4); n.child("shared")
    n.same(); n.child("tied")  # params=shared.params: no parameters of its own
    n.dense(10); n.child("out")
    return n


def centered():
    n = Net(FMNIST)
    n.dense(128); n.child("dense")
    n.same(); n.child("centered")
    n.dense(10); n.child("out")
    return n


def dropout_mlp():
    n = Net(FMNIST)
    for cid, step in (("dense1", lambda: n.dense(256)), ("drop1", n.same), ("dense2", lambda: n.dense(256)),
                      ("drop2", n.same), ("out", lambda: n.dense(10))):
        step(); n.child(cid)
    return n


def lenet(bn=False):
    n = Net(FMNIST)
    steps = [("conv1", lambda: n.conv(20, 5))] + ([("bn1", n.bn), ("relu1", n.same)] if bn else []) + [
        ("pool1", lambda: n.pool(2, 2)), ("conv2", lambda: n.conv(50, 3))] + (
        [("bn2", n.bn), ("relu2", n.same)] if bn else []) + [
        ("pool2", lambda: n.pool(2, 2)), ("flatten", n.flatten), ("dense1", lambda: n.dense(128))] + (
        [("bn3", n.bn), ("relu3", n.same)] if bn else []) + [("dense2", lambda: n.dense(10))]
    for cid, step in steps:
        step(); n.child(cid)
    return n


def alexnet(size=224, div=1, k1=11, s1=4, p1=0):
    n = Net((1, size, size))
    c = [96 // div, 256 // div, 384 // div, 384 // div, 256 // div]
    steps = [("conv1", lambda: n.conv(c[0], k1, s1, p1)), ("pool1", lambda: n.pool(3, 2)),
             ("conv2", lambda: n.conv(c[1], 5, 1, 2)), ("pool2", lambda: n.pool(3, 2)),
             ("conv3", lambda: n.conv(c[2], 3, 1, 1)), ("conv4", lambda: n.conv(c[3], 3, 1, 1)),
             ("conv5", lambda: n.conv(c[4], 3, 1, 1)), ("pool3", lambda: n.pool(3, 2))]
    steps += head(n, 4096 // div)
    for cid, step in steps:
        step(); n.child(cid)
    return n


def head(n, units):
    return [("dense1", lambda: n.dense(units)), ("drop1", n.same), ("dense2", lambda: n.dense(units)),
            ("drop2", n.same), ("out", lambda: n.dense(10))]


def vgg11(size=224, div=1, units=4096):
    n = Net((1, size, size))
    for i, (num_convs, c) in enumerate(((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))):
        vgg_block(n, num_convs, c // div); n.child(f"block{i + 1}")
    for cid, step in head(n, units):
        step(); n.child(cid)
    return n


def nin(size=224, div=1, small=False):
    n = Net((1, size, size))
    c = [96 // div, 256 // div, 384 // div]
    first = (c[0], 5, 1, 2) if small else (c[0], 11, 4, 0)
    steps = [("nin1", lambda: nin_block(n, *first)), ("pool1", lambda: n.pool(3, 2)),
             ("nin2", lambda: nin_block(n, c[1], 5, 1, 2)), ("pool2", lambda: n.pool(3, 2)),
             ("nin3", lambda: nin_block(n, c[2], 3, 1, 1)), ("pool3", lambda: n.pool(3, 2)),
             ("drop", n.same), ("nin4", lambda: nin_block(n, 10, 3, 1, 1)), ("gap", n.gap), ("flatten", n.flatten)]
    for cid, step in steps:
        step(); n.child(cid)
    return n


GOOGLENET_B3 = [(64, (96, 128), (16, 32), 32), (128, (128, 192), (32, 96), 64)]
GOOGLENET_B4 = [(192, (96, 208), (16, 48), 64), (160, (112, 224), (24, 64), 64), (128, (128, 256), (24, 64), 64),
                (112, (144, 288), (32, 64), 64), (256, (160, 320), (32, 128), 128)]
GOOGLENET_B5 = [(256, (160, 320), (32, 128), 128), (384, (192, 384), (48, 128), 128)]


def googlenet(size=96, div=1):
    def d(args):
        c1, c2, c3, c4 = args
        return (c1 // div, (c2[0] // div, c2[1] // div), (c3[0] // div, c3[1] // div), c4 // div)

    n = Net((1, size, size))
    n.conv(64 // div, 7, 2, 3).pool(3, 2, 1); n.child("b1")
    n.conv(64 // div, 1).conv(192 // div, 3, 1, 1).pool(3, 2, 1); n.child("b2")
    for a in GOOGLENET_B3:
        inception(n, *d(a))
    n.pool(3, 2, 1); n.child("b3")
    for a in GOOGLENET_B4:
        inception(n, *d(a))
    n.pool(3, 2, 1); n.child("b4")
    for a in GOOGLENET_B5:
        inception(n, *d(a))
    n.gap(); n.child("b5")
    n.dense(10); n.child("out")
    return n


def resnet18(size=96, div=1):
    n = Net((1, size, size))
    n.conv(64 // div, 7, 2, 3).bn().pool(3, 2, 1); n.child("b1")
    for i, c in enumerate((64, 128, 256, 512)):
        first = i > 0  # stages 2–4 start by halving the size through a 1×1 shortcut
        residual(n, c // div, use_1x1conv=first, strides=2 if first else 1)
        residual(n, c // div)
        n.child(f"b{i + 2}")
    n.gap().dense(10); n.child("b6")
    return n


def densenet(size=96, stem=64, growth=32, small=False):
    n = Net((1, size, size))
    if small:
        n.conv(stem, 3, 1, 1)
    else:
        n.conv(stem, 7, 2, 3)
    n.child("conv")
    n.bn(); n.child("bn")
    n.child("relu")
    n.pool(3, 2, 1); n.child("pool")
    c = stem
    for i in range(4):
        dense_block(n, 4, growth); n.child(f"db{i + 1}")
        c += 4 * growth
        if i < 3:
            c //= 2
            transition_block(n, c); n.child(f"tb{i + 1}")
    n.bn(); n.child("bn2")
    n.child("relu2")
    n.gap(); n.child("gap")
    n.dense(10); n.child("out")
    return n


NETWORKS = {
    "mlp": mlp, "fancy-mlp": fancy_mlp, "rec-mlp": rec_mlp, "shared-mlp": shared_mlp, "centered": centered,
    "custom-init": mlp, "lenet": lenet, "dropout-mlp": dropout_mlp, "lenet-bn": lambda: lenet(bn=True),
    "alexnet": alexnet, "vgg11": vgg11, "nin": nin, "googlenet": googlenet, "resnet18": resnet18,
    "densenet": densenet,
    # small-input variants for a laptop CPU
    "alexnet-small": lambda: alexnet(28, 4, k1=5, s1=1, p1=2),
    "vgg11-small": lambda: vgg11(32, 4, units=1024),
    "nin-small": lambda: nin(28, 4, small=True),
    "googlenet-small": lambda: googlenet(28, 2),
    "resnet18-small": lambda: resnet18(28, 4),
    "densenet-small": lambda: densenet(28, stem=32, growth=16, small=True),
}

# Figures known from elsewhere, to check the checker: LeNet by hand (conv 20·1·25+20, conv 50·20·9+50,
# dense 1250·128+128, dense 128·10+10) and the book's ResNet-18 for 10 classes (about 11.18 M parameters).
KNOWN = {"lenet": (520 + 9050 + 160128 + 1290, 0)}


def manifest():
    out = {}
    for tid, build in NETWORKS.items():
        n = build()
        out[tid] = {"output": list(n.x), "trainable": n.trainable, "nonTrainable": n.non_trainable,
                    "children": n.children}
    return out


def main():
    m = manifest()
    for tid, (tr, nt) in KNOWN.items():
        assert (m[tid]["trainable"], m[tid]["nonTrainable"]) == (tr, nt), tid
    r = m["resnet18"]["trainable"]
    assert abs(r - 11.18e6) < 0.01e6, r
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.json")
    text = json.dumps(m, indent=1) + "\n"
    if "--write" in sys.argv:
        with open(path, "w") as f:
            f.write(text)
        print(f"wrote {path}")
        return 0
    with open(path) as f:
        old = json.load(f)
    bad = [t for t in set(m) | set(old) if m.get(t) != old.get(t)]
    for t in sorted(bad):
        print(f"{t}: manifest.json has {old.get(t)}\n{' ' * len(t)}  computed {m.get(t)}")
    return 1 if bad else 0


if __name__ == "__main__":
    for tid, build in NETWORKS.items():
        n = build()
        print(f"{tid:16} out {str(list(n.x)):14} trainable {n.trainable:>12,}  non-trainable {n.non_trainable:>7,}")
    sys.exit(main())
