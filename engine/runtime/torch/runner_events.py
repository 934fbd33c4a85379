"""The runner's side of the stdio protocol: events out as JSON lines on the real stdout, controls in from stdin.

Imported first by runner.py, before numpy and torch: this process dies with its parent, and the real stdout is taken
for events before any library can print on it (anything else printed goes to stderr).
"""
import json
import math
import os
import queue
import sys
import threading

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
