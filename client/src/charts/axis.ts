/**
 * What the wall's two charts share so they read as one: the same minute axis (T+1 … T+duration,
 * labelled at 开团 and at the checkpoints) and the same plot margins, so a minute sits at the same x
 * in both. Sizes are in the screen's unit `u` (19.2 px at 1080p): axis text at about 20 px is
 * readable from five metres.
 */
import { COLORS } from './theme';

export const axisFontSize = (u: number) => u * 1.05;

/** Fixed plot margins (not containLabel): the y-axis labels of both charts fit in them. */
export function chartGrid(u: number, top: number) {
  return { left: u * 4.6, right: u * 4.6, top, bottom: u * 1.9, containLabel: false };
}

export function minuteAxis(u: number, minutes: readonly number[], checkpoints: readonly number[]) {
  const marks = new Set(checkpoints);
  return {
    data: minutes.map(String),
    axisLabel: {
      color: COLORS.muted,
      fontSize: axisFontSize(u),
      hideOverlap: true,
      // Labels at the first minute and at the checkpoints, under their marker lines.
      interval: (index: number) => index === 0 || marks.has(minutes[index]!),
      // Preheat minutes (收藏/加购 from the preheat on) read T−44 … T−1, T+0.
      formatter: (v: string) => (Number(v) < 0 ? `T−${-Number(v)}` : `T+${v}`),
    },
    axisTick: { show: false },
    axisLine: { lineStyle: { color: COLORS.line } },
  };
}
