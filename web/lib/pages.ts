import type { Component } from 'svelte';
import type { Role } from '../../shared/api/auth';

export interface PageDef {
  path: string;
  title: string;
  /** Pages load lazily, so the first paint only downloads the shell and the page in view. */
  load: () => Promise<{ default: Component }>;
  /** Who sees the page (the API enforces the same); absent: every staff role, not suppliers. */
  roles?: readonly Role[];
}

const STAFF: readonly Role[] = ['admin', 'analyst', 'responder', 'approver', 'viewer'];

export const pages: PageDef[] = [
  { path: '/', title: 'Overview', load: () => import('../pages/Overview.svelte') },
  { path: '/subjects', title: 'Subjects', load: () => import('../pages/Subjects.svelte') },
  { path: '/issues', title: 'Issues', load: () => import('../pages/Issues.svelte') },
  { path: '/alerts', title: 'Alerts', load: () => import('../pages/Alerts.svelte') },
  { path: '/mentions', title: 'Mentions', load: () => import('../pages/Mentions.svelte') },
  { path: '/cases', title: 'Cases', load: () => import('../pages/Cases.svelte') },
  { path: '/incidents', title: 'Incidents', load: () => import('../pages/Incidents.svelte') },
  { path: '/settings', title: 'Settings', load: () => import('../pages/Settings.svelte') },
  { path: '/tokens', title: 'API tokens', load: () => import('../pages/Tokens.svelte'), roles: STAFF },
  { path: '/users', title: 'Users', load: () => import('../pages/Users.svelte'), roles: ['admin'] },
  { path: '/audit', title: 'Audit log', load: () => import('../pages/Audit.svelte'), roles: ['admin'] },
  { path: '/supplier', title: 'Your cases', load: () => import('../pages/SupplierCases.svelte'), roles: ['supplier'] },
];

/** Whether someone with `role` sees the page. */
export const canSee = (page: PageDef, role: Role) => (page.roles ?? STAFF).includes(role);

/** Where a role lands at '/' when it cannot see the overview (a supplier: its own cases). */
export const homeFor = (role: Role) => (canSee(pages[0]!, role) ? '/' : (pages.find((p) => canSee(p, role))?.path ?? '/'));

/** The page for a path: exact match, else the longest prefix (for /issues/12 and the like). */
export function pageFor(path: string): PageDef | null {
  const exact = pages.find((p) => p.path === path);
  if (exact) return exact;
  return pages.filter((p) => p.path !== '/' && path.startsWith(`${p.path}/`)).sort((a, b) => b.path.length - a.path.length)[0] ?? null;
}
