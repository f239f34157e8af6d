/**
 * In-process publish/subscribe for what the dashboard shows live (SSE). Payloads are the API's
 * own shapes, so the SSE route forwards them as they are.
 */
import { EventEmitter } from 'node:events';
import type { LiveEvents } from '../../shared/api/events';

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
