// Public surface of engine/protocol: the contract, the rpc loop, the transports, the Host interface.
export * from './contract';
export * from './schemas';
export * from './debug-schemas';
export * from './errors';
export * from './frame';
export * from './codec';
export * from './rpc';
export * from './transport';
export * from './host';
export { memoryPair } from './transports/memory';
export type { MemoryEnd } from './transports/memory';
export { websocketTransport, connectWebSocket } from './transports/websocket';
export type { WebSocketLike } from './transports/websocket';
export { messagePortTransport } from './transports/message-port';
export type { PortLike } from './transports/message-port';
export { crashTracker, restartQueue, RESTART_QUEUE_LIMIT } from './relay';
export type { CrashInfo, CrashTracker, RestartQueue } from './relay';
export { createBrowserHost, engineUrl } from './browser-host';
