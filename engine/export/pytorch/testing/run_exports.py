"""Runs many PyTorch exports in one python3 process (tests: one torch start-up for every template).

    python3 run_exports.py jobs.json   # [{"dir": export folder, "input": x.npy, "output": y.npy}, ...]

Each job calls the export's own `model.main(["--input", …, "--output", …])`, the code `python3 model.py` runs,
then prints one JSON line: the distinct Parameters (a shared one counts once), their elements, the buffers.
"""
import importlib.util
import json
import sys


def load(folder, index):
    sys.path.insert(0, folder)  # for netloom_layers (the same file in every export)
    spec = importlib.util.spec_from_file_location(f"export_model_{index}", f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.path.remove(folder)
    return module


def main(path):
    with open(path) as f:
        jobs = json.load(f)
    for i, job in enumerate(jobs):
        model = load(job["dir"], i)
        built, build = [], model.build
        model.build = lambda weights=None: built.append(build(weights)) or built[-1]  # keep what main() builds
        model.main(["--input", job["input"], "--output", job["output"]])
        net = built[0]
        params = list(net.parameters())
        print(
            json.dumps(
                {
                    "dir": job["dir"],
                    "parameters": len(params),
                    "elements": sum(p.numel() for p in params),
                    "trainable": sum(p.numel() for p in params if p.requires_grad),
                    "buffers": sorted(k for k, _ in net.named_buffers() if not k.endswith("num_batches_tracked")),
                }
            ),
            flush=True,
        )
        del net, model


if __name__ == "__main__":
    main(sys.argv[1])
