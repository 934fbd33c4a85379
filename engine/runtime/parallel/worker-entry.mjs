// Worker bootstrap: the engine runs from TypeScript sources through tsx, and a worker thread starts with no
// loader of its own, so it registers tsx before importing the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
