/** Colours shared by the charts (the CSS variables of styles.css, for canvas). */
export const COLORS = {
  text: '#e8eef8',
  muted: '#8fa3c2',
  line: '#22314f',
  actual: '#38bdf8',
  forecast: '#cbd5e1',
  band: 'rgba(203, 213, 225, 0.16)',
  units: '#a78bfa',
  ok: '#34d399',
  warning: '#fbbf24',
  critical: '#f43f5e',
  pending: '#5d6f8e',
} as const;
