// What one backend of the registry must provide. A backend is one file exporting one `BackendEntry`;
// the registry (registry.ts) only orders and tries them.

export interface Availability {
  ok: boolean;
  /** Why it is (not) usable, shown to the user: "package @tensorflow/tfjs-node is not installed". */
  reason: string;
}

export interface BackendInitOptions {
  /** Worker threads for backends that can use several cores (wasm). Default: all cores. */
  threads?: number;
}

export interface BackendEntry {
  /** Registry name the user sees and overrides with (`--backend wasm`). */
  name: string;
  /**
   * 'tfjs' (default): it becomes the engine's tfjs backend. 'process': it trains in a child process the engine
   * host starts (torch); selectBackend() never activates it, trainingBackend() (torch.ts) chooses it for a run.
   */
  kind?: 'tfjs' | 'process';
  /** The tfjs backend name it activates (tfjs-node and tfjs-node-gpu both register 'tensorflow'). */
  tfName: string;
  /** Higher is tried first when nothing is requested. */
  priority: number;
  /** Cheap enough to call at start-up; must never throw. */
  available(): Promise<Availability>;
  /** Registers the backend and its kernels and makes it the active tfjs backend. Throws on failure. */
  init(options?: BackendInitOptions): Promise<void>;
  /** Extra facts for the "which backend" line (threads, SIMD…), after init. */
  describe?(): string;
}
