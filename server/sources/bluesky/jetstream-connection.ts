/**
 * One WebSocket connection to Jetstream as a pull-based inbox: frames queue up while the source is
 * busy storing a batch, and past `highWater` queued frames the socket is paused, so TCP pushes back
 * on the server instead of memory growing without bound.
 */
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
  error: Error | null;
}

export class JetstreamConnection {
  private frames: Array<string | null> = [];
  private wake: (() => void) | null = null;
  private paused = false;
  closed: Closed | null = null;
  /** When the server last showed it is alive (a frame or a pong), in the clock's milliseconds. */
  lastActivityAt: number;

  private constructor(
    private readonly ws: WebSocket,
    private readonly highWater: number,
    private readonly now: () => number,
  ) {
    this.lastActivityAt = now();
    ws.on('message', (data, isBinary) => {
      this.lastActivityAt = this.now();
      // Jetstream sends JSON text frames (compress=true is never asked for); a binary frame is malformed.
      this.frames.push(isBinary ? null : data.toString());
      if (this.frames.length >= this.highWater && !this.paused) {
        this.paused = true;
        ws.pause();
      }
      this.notify();
    });
    ws.on('pong', () => {
      this.lastActivityAt = this.now();
    });
    ws.on('error', (error) => {
      this.closed ??= { code: 1006, reason: error.message, error };
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed ??= { code, reason: reason.toString(), error: null };
      this.notify();
    });
  }

  /** Opens a connection; rejects with the HTTP status or network error when the handshake fails. */
  static open(url: string, opts: { signal: AbortSignal; handshakeTimeoutMs: number; now: () => number; highWater?: number }): Promise<JetstreamConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: opts.handshakeTimeoutMs, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
      const onAbort = () => ws.terminate();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const fail = (error: Error) => {
        opts.signal.removeEventListener('abort', onAbort);
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(error);
      };
      ws.once('unexpected-response', (_req, res) => fail(new Error(`Jetstream refused the connection: HTTP ${res.statusCode ?? '?'}`)));
      ws.once('error', (error) => fail(error));
      ws.once('close', (code) => fail(new Error(`Jetstream closed the connection during the handshake (${code})`)));
      ws.once('open', () => {
        ws.removeAllListeners();
        opts.signal.removeEventListener('abort', onAbort);
        const connection = new JetstreamConnection(ws, opts.highWater ?? 5000, opts.now);
        opts.signal.addEventListener('abort', () => connection.close(), { once: true });
        resolve(connection);
      });
    });
  }

  /** Everything queued so far (and un-pauses the socket). */
  drain(): Array<string | null> {
    const out = this.frames;
    this.frames = [];
    if (this.paused) {
      this.paused = false;
      this.ws.resume();
    }
    return out;
  }

  get pending(): number {
    return this.frames.length;
  }

  /** Resolves when a frame or the close arrives (or at once if one is waiting). */
  next(): Promise<void> {
    if (this.frames.length > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }

  close(): void {
    this.ws.terminate();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
