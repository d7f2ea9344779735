import type { HostRow } from './host.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Host-overhead ratios as a horizontal bar chart (SVG, no dependencies): throughput relative to
 * the host app without onbehalf on the same session store, with the targets drawn as lines.
 */
export function hostOverheadSvg(rows: HostRow[], caption: string): string {
  const bars = rows.filter((r) => r.variant !== 'node:http');
  const rowH = 30;
  const left = 250;
  const width = 760;
  const plotW = width - left - 70;
  const top = 40;
  const height = top + bars.length * rowH + 64;
  const max = Math.max(1.1, ...bars.map((r) => r.vsHostMax));
  const x = (v: number) => left + (v / max) * plotW;
  const line = (v: number, color: string) =>
    `<line x1="${x(v)}" x2="${x(v)}" y1="${top - 6}" y2="${top + bars.length * rowH}" stroke="${color}" stroke-dasharray="4 3"/>`;
  const legend = (i: number, label: string, color: string) =>
    `<line x1="${12 + i * 230}" x2="${36 + i * 230}" y1="${height - 34}" y2="${height - 34}" stroke="${color}" stroke-dasharray="4 3"/>` +
    `<text x="${42 + i * 230}" y="${height - 30}" font-size="11" fill="${color}">${esc(label)}</text>`;
  const body = bars
    .map((r, i) => {
      const y = top + i * rowH;
      const v = r.vsHost;
      const color = r.variant === 'host' ? '#868e96' : r.store === 'memory' ? '#1c7ed6' : r.store === 'redis' ? '#d6336c' : '#ae3ec9';
      return (
        `<text x="${left - 8}" y="${y + 19}" font-size="13" text-anchor="end">${esc(r.variant)}${r.store !== '-' ? ` (${r.store})` : ''}</text>` +
        `<rect x="${left}" y="${y + 6}" width="${Math.max(1, x(v) - left)}" height="${rowH - 12}" fill="${color}" rx="3"/>` +
        // The rounds' spread, as a whisker.
        `<line x1="${x(r.vsHostMin)}" x2="${x(r.vsHostMax)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#212529"/>` +
        // A white halo, so the target lines don't run through the figure.
        `<text x="${Math.max(x(v), x(r.vsHostMax)) + 6}" y="${y + 19}" font-size="12" stroke="#fff" stroke-width="4" paint-order="stroke">${(v * 100).toFixed(1)}%</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="12" y="20" font-size="14" font-weight="600">Throughput vs the host app on the same session store (median; whisker: rounds)</text>` +
    line(1, '#495057') +
    line(0.97, '#2b8a3e') +
    line(0.9, '#e67700') +
    legend(0, 'host app = 100 %', '#495057') +
    legend(1, 'target not acting: 97 %', '#2b8a3e') +
    legend(2, 'target acting GET: 90 %', '#e67700') +
    body +
    `<text x="12" y="${height - 12}" font-size="11" fill="#495057">${esc(caption)}</text></svg>`
  );
}
