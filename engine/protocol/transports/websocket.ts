// WebSocket transport over the *browser's* WebSocket API (structurally typed so engine/protocol needs no
// DOM-only or node imports; the `ws` package's client satisfies the same shape, which the tests use).
// Frames are encoded by codec.ts: JSON text when there are no typed arrays, one binary message otherwise; a
// message larger than `chunkBytes` travels as chunks (chunks.ts) and is put back together here, both ways.
import { decodeFrame, encodeFrameWithin } from '../codec';
import { CHUNK_BYTES, ChunkError, MAX_MESSAGE_BYTES, Reassembler, chunksOf, isChunk } from '../chunks';
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
    else if (data instanceof Uint8Array)
      text = new TextDecoder().decode(data); // reassembled UTF-8 text
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

export interface WebSocketTransportOptions {
  /** Messages larger than this many bytes are sent in chunks (default CHUNK_BYTES, 16 MiB; small in tests). */
  chunkBytes?: number;
  /** The largest chunked message put back together (default MAX_MESSAGE_BYTES, 2 GiB). */
  maxMessageBytes?: number;
}

/** The transport, plus what its reassembly holds (tests). */
export interface WebSocketTransport extends Transport {
  inFlight(): { id: number; received: number; total: number } | null;
}

/**
 * Wrap an open (or opening) WebSocket. Undecodable bytes are handed on as a marker that fails validation; a
 * broken chunk sequence closes the connection (code 4008, or 4009 when too big) with the reason.
 */
export function websocketTransport(ws: WebSocketLike, opts: WebSocketTransportOptions = {}): WebSocketTransport {
  const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  ws.binaryType = 'arraybuffer';
  const messages = new Listeners<[unknown]>();
  const closes = new Listeners<[string | undefined]>();
  const queue: (string | ArrayBuffer)[] = [];
  const reassembler = new Reassembler(opts.maxMessageBytes ?? MAX_MESSAGE_BYTES);
  let transfers = 0;
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    reassembler.abort(); // a connection closed mid-transfer frees the partial message
    queue.length = 0;
    closes.emit(reason);
  };
  const put = (data: string | ArrayBuffer) => {
    if (ws.readyState === OPEN) ws.send(data);
    else if (ws.readyState === 0) queue.push(data); // CONNECTING: flush on open
    // CLOSING/CLOSED: dropped; onClose already told the story.
  };
  const deliver = (data: string | ArrayBuffer | Uint8Array) => {
    let msg: unknown;
    try {
      const text = data instanceof Uint8Array ? new TextDecoder('utf-8', { fatal: true }).decode(data) : data;
      msg = decodeFrame(text);
      if (jsonDepthExceeds(msg, MAX_FRAME_DEPTH)) throw new Error(`nested deeper than ${MAX_FRAME_DEPTH} levels`);
    } catch (err) {
      // Not a frame: pass a value the frame schema rejects, so serve/createClient answer E_BAD_FRAME — with the
      // call id when one can be read, so the caller's call is answered instead of hanging.
      const error = err instanceof RangeError ? `nested too deeply (${err.message})` : String((err as Error).message);
      msg = { malformed: error, ...idOf(data) };
    }
    messages.emit(msg);
  };
  ws.addEventListener('open', () => {
    for (const m of queue.splice(0)) ws.send(m);
  });
  ws.addEventListener('message', (e) => {
    if (ended) return;
    const data = e.data as string | ArrayBuffer;
    if (!(data instanceof ArrayBuffer) || !isChunk(data)) return deliver(data);
    try {
      const whole = reassembler.push(data);
      if (whole) deliver(whole.text ? whole.bytes : (whole.bytes.buffer as ArrayBuffer));
    } catch (thrown) {
      // The peer's chunk stream cannot be trusted past this point: this connection ends, nothing else (a throw
      // out of this listener would reach the socket, and on the server every client).
      const err = thrown instanceof ChunkError ? thrown : new ChunkError('E_BAD_CHUNK', String(thrown));
      const reason = `${err.code}: ${err.message}`;
      end(reason);
      ws.close(err.closeCode, reason.slice(0, 120)); // a close reason holds at most 123 bytes (ASCII here)
    }
  });
  ws.addEventListener('close', (e) => end(e.reason || `closed (${e.code})`));
  return {
    send(frame) {
      if (ws.readyState > OPEN) return;
      const enc = encodeFrameWithin(frame, chunkBytes);
      if (typeof enc === 'string' || enc instanceof ArrayBuffer) put(enc);
      // One synchronous loop: no other message goes out between the chunks of one transfer.
      else for (const chunk of chunksOf(enc, ++transfers, chunkBytes)) put(chunk);
    },
    onMessage: (cb) => messages.add(cb),
    onClose: (cb) => closes.add(cb),
    close: () => ws.close(1000, 'client closed'),
    inFlight: () => reassembler.inFlight(),
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
  opts: WebSocketTransportOptions = {},
): Promise<WebSocketTransport> {
  return new Promise((resolve, reject) => {
    const ws = new Ctor(url);
    const transport = websocketTransport(ws, opts);
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
