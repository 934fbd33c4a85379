"""Which BLAS this Python process loaded: reported by the runner and by the bench's plain PyTorch reference
(engine/bench/reference.py), so both sides of a comparison name the same thing."""
import os


def blas_core():
    """The BLAS library this process loaded, and OpenBLAS's core (its kernels) when that is the one."""
    import ctypes

    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1].lower()})
    except OSError:
        return "unknown"
    for lib in libs:
        try:
            core = ctypes.CDLL(lib).openblas_get_corename
            core.restype = ctypes.c_char_p
            return f"OpenBLAS {core().decode()} ({os.path.basename(lib)})"
        except (OSError, AttributeError):
            continue
    return ", ".join(os.path.basename(lib) for lib in libs) or "none loaded"
