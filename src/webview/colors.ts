// Colours for canvas drawing. Canvas cannot read CSS variables per draw, so the theme's few
// colours are read once from computed style (VS Code sets them on <html>; fallbacks otherwise).
import type { ThreadState } from '../profiler/profile';

/** Warm flame palette for functions, cool one for threads; a name always gets the same colour. */
export const FUNCTION_PALETTE = [
  '#e8743b',
  '#f2a541',
  '#d9534f',
  '#c8553d',
  '#f28f3b',
  '#e4a34a',
  '#d66853',
  '#eb8f60',
  '#c97b3e',
  '#f0b86e',
  '#dd6e42',
  '#e39b5a',
  '#cf5c36',
  '#f4a261',
  '#d4793a',
  '#e76f51',
];
export const THREAD_PALETTE = [
  '#4e79a7',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#9c755f',
  '#edc948',
  '#af7aa1',
  '#86bcb6',
  '#5778a4',
  '#6a9f58',
  '#967662',
  '#a87c9f',
];

export const STATE_COLORS: Record<ThreadState, string> = {
  running: '#3fb950',
  runnable: '#d29922',
  gilWait: '#f85149',
  lockWait: '#a371f7',
  io: '#58a6ff',
  sleep: '#8b949e',
  other: '#6e7681',
};

export function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface Theme {
  foreground: string;
  background: string;
  muted: string;
  grid: string;
  highlight: string;
  font: string;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    foreground: read('--cp-fg', '#1f2328'),
    background: read('--cp-bg', '#ffffff'),
    muted: read('--cp-muted', '#6e7781'),
    grid: read('--cp-border', '#d0d7de'),
    highlight: read('--cp-accent', '#0969da'),
    font: `11px ${read('--cp-font', 'system-ui, sans-serif')}`,
  };
}
