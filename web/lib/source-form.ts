/**
 * Settings → Sources: the add-a-source form's flat fields turned into the API's request, and the
 * health figures turned into the table's cells. Pure, so both are tested without a browser.
 */
import type { SourceHealth } from '../../shared/api/health';
import type { SourceInput, SourceKind } from '../../shared/api/sources';

export interface SourceDraft {
  kind: SourceKind;
  name: string;
  /** X */
  mode: 'search' | 'stream' | 'both';
  pollIntervalSeconds: string | number;
  monthlyReadBudget: string | number;
  apiBase: string;
  bearerToken: string;
  /** Bluesky */
  jetstreamUrl: string;
  /** Mastodon */
  instanceUrl: string;
  hashtags: string;
  accessToken: string;
  /** RSS */
  feedUrl: string;
  intervalSeconds: string | number;
}

export const emptyDraft = (kind: SourceKind = 'rss'): SourceDraft => ({
  kind,
  name: '',
  mode: 'search',
  pollIntervalSeconds: '60',
  monthlyReadBudget: '',
  apiBase: '',
  bearerToken: '',
  jetstreamUrl: 'wss://jetstream2.us-east.bsky.network/subscribe',
  instanceUrl: '',
  hashtags: '',
  accessToken: '',
  feedUrl: '',
  intervalSeconds: '900',
});

/** Svelte binds a number input as a number (or null when empty), whatever the draft's type says. */
const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v).trim());
const int = (s: string | number, fallback: number) => (text(s) === '' ? fallback : Number(text(s)));

/** The request body for POST /api/sources (the server validates it again and says what is wrong). */
export function draftToInput(d: SourceDraft): SourceInput {
  const name = d.name.trim();
  switch (d.kind) {
    case 'x':
      return {
        config: {
          kind: 'x',
          name,
          mode: d.mode,
          pollIntervalSeconds: int(d.pollIntervalSeconds, 60),
          monthlyReadBudget: text(d.monthlyReadBudget) === '' ? null : Number(text(d.monthlyReadBudget)),
          ...(d.apiBase.trim() ? { apiBase: d.apiBase.trim() } : {}),
        },
        secrets: { bearerToken: d.bearerToken.trim() },
      };
    case 'bluesky':
      return { config: { kind: 'bluesky', name, url: d.jetstreamUrl.trim() }, secrets: {} };
    case 'mastodon':
      return {
        config: {
          kind: 'mastodon',
          name,
          instanceUrl: d.instanceUrl.trim(),
          hashtags: d.hashtags
            .split(/[\s,]+/)
            .map((t) => t.replace(/^#/, ''))
            .filter(Boolean),
        },
        secrets: { accessToken: d.accessToken.trim() },
      };
    case 'rss':
      return { config: { kind: 'rss', name, feedUrl: d.feedUrl.trim(), intervalSeconds: int(d.intervalSeconds, 900) }, secrets: {} };
  }
}

/** "12 s", "4 min", "3 h", "2 d": how old a time is, for lag and cursor age. */
export function fmtAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

/** The counters a source reports (skipped frames, budget used…) as one readable line. */
export function fmtCounters(h: Pick<SourceHealth, 'counters'>): string {
  return Object.entries(h.counters)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v.toLocaleString()}`)
    .join(' · ');
}
