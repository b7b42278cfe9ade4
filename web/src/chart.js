// A small line chart in SVG, drawn by hand: one line per series over block numbers, and a red
// mark on every block where the books did not balance.

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}) => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/// `samples`: [{ block, values: { name: bigint }, ok: boolean }]; `series`: [{ name, label,
/// color }]; values are scaled to the largest one, so bigints of any size chart safely.
export function lineChart(samples, series, { width = 640, height = 180, format = String } = {}) {
  const pad = { left: 8, right: 8, top: 10, bottom: 22 };
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  if (samples.length === 0) {
    const text = svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' });
    text.textContent = 'no samples yet';
    root.append(text);
    return root;
  }
  let max = 0n;
  for (const s of samples) for (const { name } of series) if (s.values[name] > max) max = s.values[name];
  const first = samples[0].block;
  const last = samples[samples.length - 1].block;
  const x = (block) => pad.left + (last === first ? (width - pad.left - pad.right) / 2 : ((block - first) / (last - first)) * (width - pad.left - pad.right));
  // Scale in Number after dividing in bigint: keeps 4 significant digits of the ratio.
  const y = (value) => {
    const ratio = max === 0n ? 0 : Number((value * 10_000n) / max) / 10_000;
    return height - pad.bottom - ratio * (height - pad.top - pad.bottom);
  };
  root.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: height - pad.bottom, y2: height - pad.bottom, class: 'axis' }));
  for (const { name, color } of series) {
    const points = samples.map((s) => `${x(s.block).toFixed(1)},${y(s.values[name] ?? 0n).toFixed(1)}`).join(' ');
    root.append(svg('polyline', { points, fill: 'none', stroke: color, 'stroke-width': 2, 'data-series': name }));
  }
  for (const s of samples) {
    if (!s.ok) root.append(svg('circle', { cx: x(s.block), cy: pad.top, r: 4, class: 'broken', 'data-block': s.block }));
  }
  for (const [block, anchor] of [[first, 'start'], [last, 'end']]) {
    const label = svg('text', { x: x(block), y: height - 6, 'text-anchor': anchor, class: 'chart-label' });
    label.textContent = `#${block}`;
    root.append(label);
  }
  const top = svg('text', { x: width - pad.right, y: pad.top + 2, 'text-anchor': 'end', class: 'chart-label' });
  top.textContent = `max ${format(max)}`;
  root.append(top);
  return root;
}
