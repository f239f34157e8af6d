import type { Component } from 'svelte';

export interface PageDef {
  path: string;
  title: string;
  /** Pages load lazily, so the first paint only downloads the shell and the page in view. */
  load: () => Promise<{ default: Component }>;
}

export const pages: PageDef[] = [
  { path: '/', title: 'Overview', load: () => import('../pages/Overview.svelte') },
  { path: '/subjects', title: 'Subjects', load: () => import('../pages/Subjects.svelte') },
  { path: '/issues', title: 'Issues', load: () => import('../pages/Issues.svelte') },
  { path: '/alerts', title: 'Alerts', load: () => import('../pages/Alerts.svelte') },
  { path: '/mentions', title: 'Mentions', load: () => import('../pages/Mentions.svelte') },
  { path: '/cases', title: 'Cases', load: () => import('../pages/Cases.svelte') },
  { path: '/settings', title: 'Settings', load: () => import('../pages/Settings.svelte') },
];

/** The page for a path: exact match, else the longest prefix (for /issues/12 and the like). */
export function pageFor(path: string): PageDef | null {
  const exact = pages.find((p) => p.path === path);
  if (exact) return exact;
  return pages.filter((p) => p.path !== '/' && path.startsWith(`${p.path}/`)).sort((a, b) => b.path.length - a.path.length)[0] ?? null;
}
