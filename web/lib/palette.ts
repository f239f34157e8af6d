import type { Palette } from './charts/overview';

/** Chart colours from the theme's CSS variables, so charts follow light and dark mode. */
export function palette(): Palette {
  const s = getComputedStyle(document.documentElement);
  const v = (name: string) => s.getPropertyValue(name).trim();
  return { positive: v('--positive'), negative: v('--negative'), neutral: v('--neutral'), accent: v('--accent'), text: v('--muted'), grid: v('--border') };
}
