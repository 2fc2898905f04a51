import { Chart, Legend, LinearScale, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';
import { withAlpha } from '../color.js';
import type { Theme } from '../theme.js';
import { constraintLines } from './constraint-lines.js';

/**
 * Chart.js, registered with only what the panel draws (tree-shaken; no `chart.js/auto`): scatter
 * charts on linear scales (lines are scatter datasets with `showLine`), tooltips, legends and the
 * constraint-line plugin.
 */
Chart.register(ScatterController, PointElement, LineElement, LinearScale, Tooltip, Legend, constraintLines);

export { Chart };

/** Theme-dependent defaults, re-applied (and charts updated) when the theme changes. */
export function applyChartTheme(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = withAlpha(theme.grid, 0.35);
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 1);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  const tooltip = Chart.defaults.plugins.tooltip;
  tooltip.backgroundColor = theme.tooltipBackground;
  tooltip.titleColor = theme.tooltipForeground;
  tooltip.bodyColor = theme.tooltipForeground;
  tooltip.borderColor = theme.tooltipBorder;
  tooltip.borderWidth = 1;
  Chart.defaults.plugins.legend.labels.color = theme.foreground;
}

/** Scale colours live in each chart's options (defaults are read at creation only for some keys). */
export function themedScale(theme: Theme): {
  grid: { color: string };
  border: { color: string };
  ticks: { color: string };
  title: { color: string };
} {
  return {
    grid: { color: withAlpha(theme.grid, 0.3) },
    border: { color: withAlpha(theme.grid, 0.8) },
    ticks: { color: theme.muted },
    title: { color: theme.foreground },
  };
}
