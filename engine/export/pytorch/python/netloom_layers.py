"""Netloom's layers in PyTorch: what every exported model.py and train.py import, and Netloom's torch backend too.

Netloom networks are MXNet-Gluon-style Block trees with deferred shapes: nobody writes `in_features`. PyTorch's
lazy modules (LazyLinear, LazyConv2d, LazyBatchNorm2d) are the same idea, so a block definition becomes a class
that takes only its own arguments, like Gluon's `Residual(num_channels, use_1x1conv, strides)`; `materialize`
runs one dry batch to fix the shapes. Only what Debian 12's python3-torch (1.13) and numpy provide is used.

Weights travel as safetensors keyed by Gluon parameter names (`resnet0_conv0_weight`), in Gluon layout, which is
PyTorch's: Dense (units, in) = nn.Linear (out, in); Conv2D (C, Cin, kh, kw) = nn.Conv2d; a Dense after a
(C, H, W) map sees C·H·W features, as `x.flatten(1)` of an NCHW tensor gives them.
"""
import json
import math
import struct
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# PyTorch 1.13 warns on every lazy module ("a new feature under heavy development"); they work as documented.
warnings.filterwarnings("ignore", message="Lazy modules are a new feature")

ACTIVATIONS = {
    "none": nn.Identity,
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "softrelu": nn.Softplus,
    "softsign": nn.Softsign,
}


def activation(name):
    """Gluon's activation names → a module: `activation("softrelu")` is nn.Softplus()."""
    return ACTIVATIONS[name]()


def share(user, owner):
    """`user` computes with `owner`'s parameters (Gluon's `params=owner.params`): one Parameter, trained once.

    Buffers too: a shared BatchNorm shares its running statistics, as in Netloom (they are the owner's parameters).
    """
    for name, p in owner._parameters.items():
        setattr(user, name, p)
    for name, b in owner._buffers.items():
        user._buffers[name] = b
    return user


def _to_buffers(module):
    """A constant layer (FancyMLP's random weight): its tensors become buffers, saved but never trained."""
    for name in ("weight", "bias"):
        p = module._parameters.pop(name, None)
        if p is not None:
            module.register_buffer(name, p.detach())


class Dense(nn.LazyLinear):
    """Gluon's nn.Dense: flattens (N, C, H, W) to (N, C·H·W), then x·Wᵀ + b and the activation."""

    cls_to_become = None  # stay a Dense after the dry run (LazyLinear would turn into a plain Linear)

    def __init__(self, units, activation="none", bias=True, constant=False):
        super().__init__(units, bias=bias)
        self.act = ACTIVATIONS[activation]()
        self.constant = constant

    def initialize_parameters(self, x):
        super().initialize_parameters(x.flatten(1))
        self.in_features = x[0].numel()  # also when the parameters came materialised from a shared layer
        if self.constant:
            _to_buffers(self)

    def forward(self, x):
        return self.act(super().forward(x.flatten(1)))


class Conv2D(nn.LazyConv2d):
    """Gluon's nn.Conv2D with its activation (and `constant` weights); plain convolutions use nn.LazyConv2d."""

    cls_to_become = None

    def __init__(self, channels, kernel_size, stride=1, padding=0, activation="none", bias=True, constant=False):
        super().__init__(channels, kernel_size, stride=stride, padding=padding, bias=bias)
        self.act = ACTIVATIONS[activation]()
        self.constant = constant

    def initialize_parameters(self, x):
        super().initialize_parameters(x)
        if self.constant:
            _to_buffers(self)

    def forward(self, x):
        return self.act(super().forward(x))


def _pair(v):
    return (v, v) if isinstance(v, int) else (v[0], v[-1])


class Pool2D(nn.Module):
    """Pooling where nn.MaxPool2d/AvgPool2d differ from Gluon: padding over half the window, or ceil mode.

    Pads explicitly (zeros for average pooling: Gluon counts the padding) and then pools without padding, so the
    last partial window of ceil mode averages over the whole window as Gluon's does.
    """

    def __init__(self, kind, pool_size, stride=None, padding=0, ceil_mode=False):
        super().__init__()
        self.kind, self.k = kind, _pair(pool_size)
        self.s = self.k if stride is None else _pair(stride)
        self.p, self.ceil_mode = _pair(padding), ceil_mode

    def forward(self, x):
        (kh, kw), (sh, sw), (ph, pw) = self.k, self.s, self.p

        def extra(n, k, s, p):
            return max(0, math.ceil((n + 2 * p - k) / s) * s + k - (n + 2 * p)) if self.ceil_mode else 0

        eh, ew = extra(x.shape[2], kh, sh, ph), extra(x.shape[3], kw, sw, pw)
        fill = -3.4e38 if self.kind == "max" else 0.0
        x = F.pad(x, (pw, pw + ew, ph, ph + eh), value=fill)
        pool = F.max_pool2d if self.kind == "max" else F.avg_pool2d
        return pool(x, (kh, kw), (sh, sw))

    def extra_repr(self):
        return f"{self.kind}, pool_size={self.k}, stride={self.s}, padding={self.p}, ceil_mode={self.ceil_mode}"


class BatchNorm(nn.LazyBatchNorm2d):
    """Gluon's nn.BatchNorm over axis 1 of (N, C) or (N, C, H, W) inputs (for definitions used with either)."""

    cls_to_become = None

    def _check_input_dim(self, x):
        if x.dim() not in (2, 4):
            raise ValueError(f"BatchNorm expects (N, C) or (N, C, H, W) inputs, got {tuple(x.shape)}")

    def forward(self, x):
        """PyTorch's BatchNorm, except that running_var averages the biased batch variance, as Gluon and Netloom.

        PyTorch's moving variance takes the unbiased one (times n/(n−1), n = N·H·W); engine/runtime/batchnorm.ts
        takes the biased one. Recomputing the variance would cost a pass over x; instead the unbiased update
        rv' = (1−m)·rv + m·var·n/(n−1), made on a copy (autograd keeps the tensor it was given), is corrected on the
        C running values alone: rv' − (rv' − (1−m)·rv)/n.
        """
        if not (self.training and self.track_running_stats) or self.momentum is None:
            return super().forward(x)
        self._check_input_dim(x)
        self.num_batches_tracked.add_(1)
        m, updated = self.momentum, self.running_var.clone()
        y = F.batch_norm(x, self.running_mean, updated, self.weight, self.bias, True, m, self.eps)
        with torch.no_grad():  # in place into the buffer: a shared BatchNorm's statistics stay shared
            rv = self.running_var
            rv.copy_(updated - (updated - (1 - m) * rv) / (x.numel() // x.shape[1]))
        return y


class Concat(nn.Module):
    """Gluon's `nd.concat(..., dim=1)`: joins its inputs on the channel axis."""

    def forward(self, *xs):
        return torch.cat(xs, 1)


class Add(nn.Module):
    """Element-wise sum of its inputs (the Residual's `Y + X`)."""

    def forward(self, *xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y


class Centered(nn.Module):
    """The seed's CenteredLayer: x − mean(x), the mean over the whole batch."""

    def forward(self, x):
        return x - x.mean()


# ---- building, weights -------------------------------------------------------------------------------------


def materialize(model, input_shape):
    """Fixes every lazy shape with one dry batch (in eval mode, so BatchNorm's running statistics stay as set)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros((2, *input_shape)))
    model.train(was_training)
    return model


def tensor(model, key):
    """The Parameter or buffer at a state_dict key such as `b2.r1.conv1.weight`."""
    owner, _, name = key.rpartition(".")
    module = model.get_submodule(owner) if owner else model
    t = module._parameters.get(name)
    return t if t is not None else module._buffers[name]


def read_safetensors(path):
    """{name: float32 numpy array} from a safetensors file, without the `safetensors` package."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = bytearray(f.read())  # writable, so torch.from_numpy needs no copy and does not warn
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}; only F32 tensors are read")
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data, "<f4", (end - begin) // 4, begin).reshape(info["shape"])
    return out


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: array} as float32 safetensors (the header padded to 8 bytes, as the format recommends)."""
    arrays = {k: np.ascontiguousarray(v, dtype="<f4") for k, v in tensors.items()}
    header, offset = {}, 0
    for k, a in arrays.items():
        header[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for a in arrays.values():
            f.write(a.tobytes())


def load_gluon(model, params, path):
    """Loads Gluon-named weights (`params`: Gluon name → (key, initializer)); every one must be there, same shape."""
    weights = read_safetensors(path)
    for gluon, (key, _) in params.items():
        if gluon not in weights:
            raise ValueError(f"{path} has no {gluon} (for {key})")
        t, w = tensor(model, key), weights[gluon]
        if tuple(t.shape) != w.shape:
            raise ValueError(f"{gluon} is {w.shape} in {path} but {tuple(t.shape)} in the model ({key})")
        with torch.no_grad():
            t.copy_(torch.from_numpy(w))
    return model


def gluon_state(model, params):
    """{Gluon name: numpy array} of the model's current values (for write_safetensors)."""
    return {g: tensor(model, k).detach().cpu().numpy() for g, (k, _) in params.items()}


def build(cls, input_shape, params, weights=None, frozen=()):
    """An instance of the network class with its shapes fixed, weights loaded (a path) and frozen parts frozen."""
    model = materialize(cls(), input_shape)
    if weights is not None:
        load_gluon(model, params, weights)
    for gluon in frozen:
        tensor(model, params[gluon][0]).requires_grad_(False)
    return model


# ---- initializers (Gluon's mx.init, as engine/runtime/init.ts) ----------------------------------------------


def _fans(shape):
    if len(shape) < 2:
        return shape[0], shape[0]
    rf = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * rf, shape[0] * rf


def init_tensor(t, spec, name):
    """Fills t as the document's initializer says, e.g. {"type": "xavier", "magnitude": 3, "distribution": "uniform"}."""
    kind = spec["type"]
    fan_in, fan_out = _fans(tuple(t.shape))
    with torch.no_grad():
        if kind == "zeros":
            t.zero_()
        elif kind == "ones":
            t.fill_(1)
        elif kind == "constant":
            t.fill_(spec["value"])
        elif kind == "uniform":
            t.uniform_(spec.get("low", -0.07), spec.get("high", 0.07))
        elif kind == "normal":
            t.normal_(spec.get("mean", 0), spec.get("std", 0.01))
        elif kind == "xavier":
            scale = math.sqrt(spec.get("magnitude", 3) / ((fan_in + fan_out) / 2))
            if spec.get("distribution", "uniform") == "uniform":
                t.uniform_(-scale, scale)
            else:
                t.normal_(0, scale)
        elif kind == "he":
            std = math.sqrt(2 / fan_in)
            if spec.get("distribution", "normal") == "normal":
                t.normal_(0, std)
            else:
                t.uniform_(-std * math.sqrt(3), std * math.sqrt(3))
        elif kind == "my-init":  # the seed's MyInit: weights U[5, 10], biases 2
            if name.endswith("weight"):
                t.uniform_(5, 10)
            elif name.endswith("bias"):
                t.fill_(2)
            else:
                t.fill_(1 if name.endswith(("var", "gamma")) else 0)
        else:
            raise ValueError(f"unknown initializer {kind} for {name}")


def initialize(model, params):
    """Initializes every parameter as the document says (`params`: Gluon name → (key, initializer))."""
    for gluon, (key, init) in params.items():
        init_tensor(tensor(model, key), init, gluon)
    return model


def predict_cli(build_model, input_shape, argv=None):
    """`python3 model.py --input x.npy --output y.npy`: logits of a float32 (N, *input_shape) array."""
    import argparse

    ap = argparse.ArgumentParser(description="Apply the trained network to a float32 .npy array; writes the logits.")
    ap.add_argument("--input", required=True, help=f"float32 array of shape (N, {', '.join(map(str, input_shape))})")
    ap.add_argument("--output", required=True, help="where to write the (N, classes) float32 logits (.npy)")
    ap.add_argument("--weights", help="a safetensors file with Gluon names (default: weights.safetensors beside model.py)")
    args = ap.parse_args(argv)
    x = np.load(args.input)
    if x.ndim != len(input_shape) + 1 or tuple(x.shape[1:]) != tuple(input_shape):
        ap.exit(2, f"model.py: --input is {x.shape}; the network takes (N, {', '.join(map(str, input_shape))})\n")
    model = build_model(args.weights).eval()
    with torch.no_grad():
        y = model(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
    np.save(args.output, y.numpy().astype(np.float32))
    return 0
