// The one wiring point for the engine implementation used by both shells (serve's child process and
// Electron's utilityProcess).
export { createEngineApi } from './engine-api';
