import { formatNumber } from '../../reply/format.ts';
import { escapeHtml as escapeXml } from '../html.ts';

// A key result's values over time against its baseline, target and milestones, as an SVG drawn
// in code: the same picture inline on the pages and, rendered to PNG, in chat. Every piece of
// text in it comes from users (units, milestone texts), so all of it is XML-escaped.

export interface KeyResultChart {
  /** `TCB-KR2`. */
  ref: string;
  unit: string | null;
  baseline: number | null;
  target: number | null;
  due: string | null;
  /** The days the time axis spans (the objective's cycle, stretched to fit every point). */
  from: string;
  to: string;
  values: readonly { on: string; value: number }[];
  milestones: readonly { due: string; target: number | null; text: string | null }[];
}

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 320;
const MARGIN = { left: 64, right: 24, top: 36, bottom: 52 };
const COLORS = {
  value: '#1f5fbf',
  baseline: '#6b7280',
  target: '#16803c',
  milestone: '#b45309',
  grid: '#e5e7eb',
  text: '#1f2937',
};
const FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"';

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** Round tick steps (1, 2 or 5 times a power of ten) covering a range in about five steps. */
export function niceTicks(low: number, high: number): number[] {
  const span = high - low || Math.abs(high) || 1;
  const rough = span / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step / 1e6; tick += step)
    ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

export function renderKeyResultChart(chart: KeyResultChart): string {
  const numbers = [
    ...chart.values.map((v) => v.value),
    ...chart.milestones.flatMap((m) => (m.target === null ? [] : [m.target])),
    ...[chart.baseline, chart.target].filter((n): n is number => n !== null),
  ];
  const low = Math.min(...numbers, numbers.length ? Number.POSITIVE_INFINITY : 0);
  const high = Math.max(...numbers, numbers.length ? Number.NEGATIVE_INFINITY : 1);
  const pad = (high - low || Math.abs(high) || 1) * 0.1;
  const ticks = niceTicks(low - pad, high + pad);
  const yMin = Math.min(ticks[0] as number, low - pad);
  const yMax = Math.max(ticks.at(-1) as number, high + pad);

  const days = [
    chart.from,
    chart.to,
    ...chart.values.map((v) => v.on),
    ...chart.milestones.map((m) => m.due),
    ...(chart.due ? [chart.due] : []),
  ].map(dayNumber);
  const xMin = Math.min(...days);
  const xMax = Math.max(...days, xMin + 1);
  const plotWidth = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (day: string) =>
    round(MARGIN.left + ((dayNumber(day) - xMin) / (xMax - xMin)) * plotWidth);
  const y = (value: number) =>
    round(MARGIN.top + (1 - (value - yMin) / (yMax - yMin)) * plotHeight);
  const right = MARGIN.left + plotWidth;
  const bottom = MARGIN.top + plotHeight;
  const unit = chart.unit ? ` ${chart.unit}` : '';
  const label = (value: number) => escapeXml(formatNumber(value));

  const parts: string[] = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" ${FONT} font-size="15" font-weight="bold" fill="${COLORS.text}">${escapeXml(`${chart.ref}${chart.unit ? ` (${chart.unit})` : ''}`)}</text>`,
  ];
  parts.push(
    `<text x="${MARGIN.left}" y="${CHART_HEIGHT - 6}" ${FONT} font-size="11"><tspan fill="${COLORS.value}">● value</tspan><tspan fill="${COLORS.milestone}" dx="10">◆ milestone</tspan><tspan fill="${COLORS.target}" dx="10">- - target</tspan><tspan fill="${COLORS.baseline}" dx="10">- - baseline</tspan></text>`,
  );
  for (const tick of ticks) {
    if (tick < yMin || tick > yMax) continue;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${right}" y1="${y(tick)}" y2="${y(tick)}" stroke="${COLORS.grid}"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" ${FONT} font-size="11" text-anchor="end" fill="${COLORS.text}">${label(tick)}</text>`,
    );
  }
  for (const month of monthTicks(xMin, xMax)) {
    const at = x(month);
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${bottom}" y2="${bottom + 4}" stroke="${COLORS.baseline}"/>`,
      `<text x="${at}" y="${bottom + 18}" ${FONT} font-size="11" text-anchor="middle" fill="${COLORS.text}">${escapeXml(month.slice(0, 7))}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="${COLORS.baseline}"/>`,
  );
  const level = (value: number, color: string, name: string, cls: string) =>
    parts.push(
      `<g class="${cls}"><line x1="${MARGIN.left}" x2="${right}" y1="${y(value)}" y2="${y(value)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + 4}" y="${y(value) - 5}" ${FONT} font-size="11" fill="${color}">${escapeXml(`${name} ${formatNumber(value)}${unit}`)}</text></g>`,
    );
  if (chart.baseline !== null) level(chart.baseline, COLORS.baseline, 'baseline', 'baseline');
  if (chart.target !== null) level(chart.target, COLORS.target, 'target', 'target');
  if (chart.due) {
    const at = x(chart.due);
    parts.push(
      `<g class="due"><line x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${bottom}" stroke="${COLORS.target}" stroke-dasharray="2 3"/>`,
      `<text x="${at - 4}" y="${bottom - 6}" ${FONT} font-size="11" text-anchor="end" fill="${COLORS.target}">due ${escapeXml(chart.due)}</text></g>`,
    );
  }
  for (const milestone of chart.milestones) {
    const at = x(milestone.due);
    const what = `milestone ${milestone.due}${milestone.target === null ? '' : `: ${formatNumber(milestone.target)}${unit}`}${milestone.text ? ` (${milestone.text})` : ''}`;
    const yAt = milestone.target === null ? bottom : y(milestone.target);
    parts.push(
      `<path class="milestone" d="M${at} ${yAt - 6}L${at + 6} ${yAt}L${at} ${yAt + 6}L${at - 6} ${yAt}Z" fill="${COLORS.milestone}"><title>${escapeXml(what)}</title></path>`,
    );
  }
  if (chart.values.length) {
    const points = chart.values.map((v) => `${x(v.on)},${y(v.value)}`).join(' ');
    parts.push(
      `<polyline class="values" points="${points}" fill="none" stroke="${COLORS.value}" stroke-width="2.5"/>`,
    );
    for (const v of chart.values)
      parts.push(
        `<circle class="value" cx="${x(v.on)}" cy="${y(v.value)}" r="4" fill="${COLORS.value}"><title>${escapeXml(`${v.on}: ${formatNumber(v.value)}${unit}`)}</title></circle>`,
        `<text x="${x(v.on)}" y="${y(v.value) - 8}" ${FONT} font-size="11" text-anchor="middle" fill="${COLORS.value}">${label(v.value)}</text>`,
      );
  } else {
    parts.push(
      `<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight / 2}" ${FONT} font-size="13" text-anchor="middle" fill="${COLORS.baseline}">No values recorded yet</text>`,
    );
  }
  const summary = describeChart(chart);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" role="img" aria-label="${escapeXml(summary)}"><title>${escapeXml(summary)}</title>${parts.join('')}</svg>`;
}

/** One sentence saying what the chart shows, for screen readers and the image's title. */
export function describeChart(chart: KeyResultChart): string {
  const unit = chart.unit ? ` ${chart.unit}` : '';
  const latest = chart.values.at(-1);
  const parts = [
    latest ? `latest value ${formatNumber(latest.value)}${unit} on ${latest.on}` : 'no values yet',
    ...(chart.baseline === null ? [] : [`baseline ${formatNumber(chart.baseline)}${unit}`]),
    ...(chart.target === null
      ? []
      : [`target ${formatNumber(chart.target)}${unit}${chart.due ? ` by ${chart.due}` : ''}`]),
  ];
  return `${chart.ref}: ${parts.join(', ')}`;
}

/** First days of every third month within the span (quarters, roughly), at most eight. */
function monthTicks(fromDay: number, toDay: number): string[] {
  const start = new Date(fromDay * 86_400_000);
  const ticks: string[] = [];
  let month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  if (month.getTime() / 86_400_000 < fromDay) month.setUTCMonth(month.getUTCMonth() + 1);
  const spanMonths = (toDay - fromDay) / 30.4;
  const step = spanMonths > 24 ? 6 : spanMonths > 8 ? 3 : 1;
  while (month.getTime() / 86_400_000 <= toDay && ticks.length < 12) {
    ticks.push(month.toISOString().slice(0, 10));
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + step, 1));
  }
  return ticks;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
