// The torch backend's flags of `netloom train` (the table options.ts spreads into TRAIN_FLAGS; torch.ts reads them).
export const TORCH_FLAGS = {
  device: { arg: 'D', help: 'torch: cpu | cuda | cuda:N | mps (default: CUDA, then MPS, then CPU)' },
  python: { arg: 'PATH', help: 'torch: the Python with torch (default: $NETLOOM_PYTHON, python3, /usr/bin/python3)' },
  nproc: { arg: 'N', help: 'torch: N processes on this machine with torchrun and DDP (gloo on CPU, nccl on GPU)' },
  nnodes: { arg: 'M', help: 'torch: M machines (torchrun --nnodes), meeting at --rdzv HOST:PORT' },
  rdzv: { arg: 'HOST:PORT', help: 'torch: the rendezvous endpoint of a multi-machine run' },
};

/** The flags that ask for torch by themselves (--python only says which Python, should torch run). */
export const asksForTorch = (flags: Record<string, unknown>) =>
  ['device', 'nproc', 'nnodes', 'rdzv'].some((k) => flags[k] !== undefined);
