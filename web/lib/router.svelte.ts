/* eslint-disable svelte/prefer-svelte-reactivity -- URLSearchParams here are rebuilt from `search`, never mutated in place */
/**
 * History-API routing: the path picks the page, the query string holds the view's state (filters,
 * range), so a copied link reproduces exactly what its sender saw.
 */
export class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  params = $derived(new URLSearchParams(this.search));

  constructor() {
    addEventListener('popstate', () => this.sync());
  }

  /** Goes to a path (with optional query string) and records it in history. */
  navigate(to: string, options: { replace?: boolean } = {}): void {
    if (options.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.sync();
    if (!options.replace) scrollTo(0, 0);
  }

  /** Changes some query parameters of the current view, keeping the others; `null` removes one. */
  setParams(changes: Record<string, string | null>, options: { replace?: boolean } = { replace: true }): void {
    const next = new URLSearchParams(this.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    const qs = next.toString();
    this.navigate(`${this.path}${qs ? `?${qs}` : ''}`, options);
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }
}

export const router = new Router();

/** Click handler for in-app links: plain clicks navigate without a reload, modified clicks open tabs. */
export function handleLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (anchor.target || anchor.origin !== location.origin || anchor.hasAttribute('download') || anchor.pathname.startsWith('/api/')) return;
  event.preventDefault();
  router.navigate(anchor.pathname + anchor.search);
}
