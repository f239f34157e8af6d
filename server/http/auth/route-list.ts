/**
 * Lists the routes an express app has registered, by walking its router stack (express 5 / router 2):
 * the permissions test checks each against the permission table, and start-up can warn about gaps.
 */
import type { Express } from 'express';

export interface RegisteredRoute {
  method: string;
  /** Full path pattern, e.g. /api/subjects/:id; for a RegExp route, its source. */
  path: string;
  /** Set for a RegExp route (such as the dashboard's fallback): `matches` tells what it serves. */
  matches?: (path: string) => boolean;
}

interface LayerLike {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

/** Every route, including RegExp ones (marked with `matches`); throws on a mount it cannot read, so nothing is silently skipped. */
export function listRoutes(app: Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function paths(raw: unknown, where: string): Array<string | RegExp> {
  if (raw === undefined) return ['/'];
  if (typeof raw === 'string' || raw instanceof RegExp) return [raw];
  if (Array.isArray(raw) && raw.every((p) => typeof p === 'string' || p instanceof RegExp)) return raw as Array<string | RegExp>;
  throw new Error(`cannot list the route at ${where || '/'}: its path ${String(raw)} is neither a string nor a RegExp`);
}

function walk(stack: LayerLike[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const p of paths(layer.route.path, prefix)) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on) continue;
          const m = method === '_all' ? 'ALL' : method.toUpperCase();
          if (typeof p === 'string') out.push({ method: m, path: join(prefix, p) });
          else out.push({ method: m, path: `${prefix}${p.source}`, matches: (path) => path.startsWith(prefix) && p.test(path.slice(prefix.length) || '/') });
        }
      }
    } else if (layer.handle?.stack) {
      for (const p of paths(layer.rawPath, prefix)) {
        if (typeof p !== 'string') throw new Error(`cannot list the routes of a router mounted at the RegExp ${p.source}`);
        walk(layer.handle.stack, join(prefix, p), out);
      }
    }
  }
}
