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

The modules beside this file, one concern each: runner_events.py (the stdio protocol), runner_dist.py (device,
threads, DDP), runner_setup.py (model, data parts, optimizer, evaluation), runner_controls.py (the controls),
runner_debug.py (the debugging streams), runner_loop.py (the train loop). They import as top-level modules: this
file's folder is the first entry of sys.path (the Electron bundle copies them all into its python/ folder).
"""
import argparse
import json
import os
import sys

from runner_events import OUT  # first: owns the real stdout before torch loads (and dies with the parent)
from runner_dist import leave, setup
from runner_loop import Run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--device", default="auto")
    args = ap.parse_args(argv)
    run_dir = os.path.abspath(args.run_dir)
    with open(os.path.join(run_dir, "config.json")) as f:
        cfg = json.load(f)
    device, world, rank = setup(args.device, cfg)
    run = Run(run_dir, cfg, device, world, rank)
    try:
        run.train()
    finally:
        OUT.flush()
    leave(world)
    return 0


if __name__ == "__main__":
    sys.exit(main())
