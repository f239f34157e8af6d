/** One shared EventSource for the whole dashboard; pages subscribe to the event names they show. */
type Listener = (payload: unknown) => void;

class Live {
  connected = $state(false);
  private source: EventSource | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): () => void {
    this.ensure();
    let set = this.listeners.get(event);
    if (!set) {
      // Listener bookkeeping, not UI state: a plain Set is right here.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      set = new Set();
      this.listeners.set(event, set);
      this.source?.addEventListener(event, (e) => this.dispatch(event, (e as MessageEvent).data as string));
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private ensure(): void {
    if (this.source) return;
    // EventSource reconnects by itself (the server sends retry: 3000).
    this.source = new EventSource('/api/events');
    this.source.onopen = () => (this.connected = true);
    this.source.onerror = () => (this.connected = false);
  }

  private dispatch(event: string, data: string): void {
    let payload: unknown = null;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }
}

export const live = new Live();

/** Calls `fn` at most once per `ms`, trailing. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}
