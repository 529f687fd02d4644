import { CHART_WIDTH } from './kr-chart.ts';

// PNG for chat, where SVG does not show: @resvg/resvg-js renders the same SVG with the
// machine's fonts. Loaded on the first chart asked for, so starting okrbot never pays for it.

/** The SVG as a PNG twice its width, sharp on high-density screens. */
export async function chartPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const renderer = new Resvg(svg, {
    fitTo: { mode: 'width', value: CHART_WIDTH * 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return renderer.render().asPng();
}
