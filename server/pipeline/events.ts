/**
 * In-process publish/subscribe for what the dashboard shows live (SSE). Payloads are the API's
 * own shapes, so the SSE route forwards them as they are.
 */
import { EventEmitter } from 'node:events';

export interface LiveEvents {
  /** Posts just stored, newest last (summaries: the client fetches details on demand). */
  posts: { count: number; source: string; ids: number[] };
  alert: { id: number; kind: string; status: string; subjectId: number | null; severity: string };
  issue: { id: number; subjectId: number | null; label: string };
  case: { id: number; status: string };
  source: { id: string; status: string };
}

export class EventHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open dashboard tab is a listener.
    this.emitter.setMaxListeners(0);
  }

  publish<K extends keyof LiveEvents>(type: K, payload: LiveEvents[K]): void {
    this.emitter.emit('event', { type, payload });
  }

  subscribe(listener: (event: { type: keyof LiveEvents; payload: LiveEvents[keyof LiveEvents] }) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
