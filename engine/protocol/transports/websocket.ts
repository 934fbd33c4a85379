// WebSocket transport over the *browser's* WebSocket API (structurally typed so engine/protocol needs no
// DOM-only or node imports; the `ws` package's client satisfies the same shape, which the tests use).
// Frames are encoded by codec.ts: JSON text when there are no typed arrays, one binary message otherwise.
import { decodeFrame, encodeFrame } from '../codec';
import { Listeners } from '../transport';
import type { Transport } from '../transport';
import { RpcError } from '../errors';
import { jsonDepthExceeds } from '../../core';

/**
 * The deepest nesting a decoded message may have: a document's limit (MAX_DEPTH, 100) plus the envelope,
 * with room to spare. Deeper messages would overflow the stack of whatever recurses over them next
 * (structured clone to the engine process fails near 2,000 levels), so they become malformed frames here.
 */
export const MAX_FRAME_DEPTH = 1000;

/** The part of the WebSocket API used here. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', cb: (e: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'error', cb: (e: unknown) => void): void;
  addEventListener(type: 'close', cb: (e: { code: number; reason: string }) => void): void;
}

const OPEN = 1;

/**
 * The `id` of a message that failed to decode, read without the codec's reviver (which recurses, so a
 * deeply nested message overflows it; plain JSON.parse does not). `{}` when there is none to read.
 */
function idOf(data: unknown): { id?: number } {
  try {
    let text: string;
    if (typeof data === 'string') text = data;
    else {
      // A binary frame: [u32 magic][u32 header length][JSON header]… (codec.ts).
      const u8 = new Uint8Array(data as ArrayBuffer);
      const len = new DataView(u8.buffer, u8.byteOffset, u8.byteLength).getUint32(4, true);
      text = new TextDecoder().decode(u8.subarray(8, 8 + len));
    }
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'number' ? { id } : {};
  } catch {
    return {};
  }
}

/** Wrap an open (or opening) WebSocket. Undecodable bytes are handed on as a marker that fails validation. */
export function websocketTransport(ws: WebSocketLike): Transport {
  ws.binaryType = 'arraybuffer';
  const messages = new Listeners<[unknown]>();
  const closes = new Listeners<[string | undefined]>();
  const queue: (string | ArrayBuffer)[] = [];
  ws.addEventListener('open', () => {
    for (const m of queue.splice(0)) ws.send(m);
  });
  ws.addEventListener('message', (e) => {
    let msg: unknown;
    try {
      msg = decodeFrame(e.data as string | ArrayBuffer);
      if (jsonDepthExceeds(msg, MAX_FRAME_DEPTH)) throw new Error(`nested deeper than ${MAX_FRAME_DEPTH} levels`);
    } catch (err) {
      // Not a frame: pass a value the frame schema rejects, so serve/createClient answer E_BAD_FRAME — with the
      // call id when one can be read, so the caller's call is answered instead of hanging.
      const error = err instanceof RangeError ? `nested too deeply (${err.message})` : String((err as Error).message);
      msg = { malformed: error, ...idOf(e.data) };
    }
    messages.emit(msg);
  });
  ws.addEventListener('close', (e) => closes.emit(e.reason || `closed (${e.code})`));
  return {
    send(frame) {
      const data = encodeFrame(frame);
      if (ws.readyState === OPEN) ws.send(data);
      else if (ws.readyState === 0) queue.push(data); // CONNECTING: flush on open
      // CLOSING/CLOSED: dropped; onClose already told the story.
    },
    onMessage: (cb) => messages.add(cb),
    onClose: (cb) => closes.add(cb),
    close: () => ws.close(1000, 'client closed'),
  };
}

/**
 * Open a WebSocket and resolve once it is open. A refused handshake (e.g. 401 for a wrong token) cannot be
 * told apart from a dead server in the browser API, so it rejects with E_UNAUTHORIZED-or-down wording.
 * Example: `const t = await connectWebSocket('ws://127.0.0.1:5173/engine?token=abc')`.
 */
export function connectWebSocket(
  url: string,
  Ctor: new (url: string) => WebSocketLike = (
    globalThis as unknown as { WebSocket: new (url: string) => WebSocketLike }
  ).WebSocket,
): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new Ctor(url);
    const transport = websocketTransport(ws);
    let settled = false;
    ws.addEventListener('open', () => {
      settled = true;
      resolve(transport);
    });
    const fail = () => {
      if (settled) return;
      settled = true;
      reject(
        new RpcError(
          'E_DISCONNECTED',
          `could not connect to the engine at ${url.replace(/token=[^&]*/, 'token=…')} (server down, or token refused)`,
        ),
      );
    };
    ws.addEventListener('error', fail);
    ws.addEventListener('close', fail);
  });
}
