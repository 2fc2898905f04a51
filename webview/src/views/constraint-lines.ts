import type { Chart, ChartType, Plugin } from 'chart.js';

/** A limit drawn across a chart: a vertical line for the x metric, a horizontal one for error. */
export interface ConstraintLine {
  readonly axis: 'x' | 'y';
  readonly value: number;
  readonly label: string;
  /** Hard limits are solid, soft ones dashed. */
  readonly hard: boolean;
}

export interface ConstraintLinesOptions {
  readonly lines: readonly ConstraintLine[];
  readonly color: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the augmented interface's own parameter
  interface PluginOptionsByType<TType extends ChartType> {
    constraintLines?: ConstraintLinesOptions;
  }
}

/** Where each line is drawn, in CSS pixels of the canvas (undefined when off the chart). */
export function linePixels(chart: Chart, lines: readonly ConstraintLine[]): (number | undefined)[] {
  return lines.map((l) => {
    const scale = chart.scales[l.axis];
    if (!scale) return undefined;
    const px = scale.getPixelForValue(l.value);
    const { left, right, top, bottom } = chart.chartArea;
    const inside =
      l.axis === 'x' ? px >= left - 0.5 && px <= right + 0.5 : px >= top - 0.5 && px <= bottom + 0.5;
    return inside ? px : undefined;
  });
}

/** Draws the run's limits over the datasets, labelled (`ram ≤ 8 KB`). */
export const constraintLines: Plugin<'scatter', ConstraintLinesOptions> = {
  id: 'constraintLines',
  defaults: { lines: [], color: '#f14c4c' },
  afterDatasetsDraw(chart, _args, options) {
    const lines = options.lines ?? [];
    if (lines.length === 0) return;
    const { ctx, chartArea } = chart;
    const pixels = linePixels(chart as unknown as Chart, lines);
    ctx.save();
    ctx.strokeStyle = options.color;
    ctx.fillStyle = options.color;
    ctx.font = `${chart.options.font?.size ?? 12}px ${chart.options.font?.family ?? 'sans-serif'}`;
    lines.forEach((line, i) => {
      const px = pixels[i];
      if (px === undefined) return;
      ctx.lineWidth = line.hard ? 1.5 : 1;
      ctx.setLineDash(line.hard ? [] : [6, 4]);
      ctx.beginPath();
      if (line.axis === 'x') {
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
      } else {
        ctx.moveTo(chartArea.left, px);
        ctx.lineTo(chartArea.right, px);
      }
      ctx.stroke();
      const text = line.hard ? line.label : `${line.label} (soft)`;
      const width = ctx.measureText(text).width;
      if (line.axis === 'x') {
        const right = px + 4 + width <= chartArea.right;
        ctx.textAlign = right ? 'left' : 'right';
        ctx.textBaseline = 'top';
        // Below the top edge, where untrained candidates are drawn.
        ctx.fillText(text, right ? px + 4 : px - 4, chartArea.top + 10);
      } else {
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        ctx.fillText(text, chartArea.right - 4, px - 3);
      }
    });
    ctx.restore();
  },
};
