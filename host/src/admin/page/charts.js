// The usage charts: line charts drawn on a canvas by the page's own code
// (no library), one per figure, over the minutes of the window.

function shortNumber(value) {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value * 100) / 100);
}

/** A line chart of `series` over the minutes of `axis`, with a legend. */
export function drawChart(canvas, axis, series) {
  const g = canvas.getContext('2d');
  const [left, right, top, bottom] = [56, 10, 24, 22];
  const width = canvas.width - left - right;
  const height = canvas.height - top - bottom;
  const max = Math.max(1, ...series.map((s) => s.values.reduce((a, b) => Math.max(a, b), 0)));
  const x = (i) => left + (axis.length > 1 ? (i * width) / (axis.length - 1) : width / 2);
  const y = (value) => top + height - (value / max) * height;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.font = '11px sans-serif';
  g.lineWidth = 1;
  for (const fraction of [0, 0.5, 1]) {
    g.strokeStyle = '#d4d4d8';
    g.beginPath();
    g.moveTo(left, y(max * fraction));
    g.lineTo(left + width, y(max * fraction));
    g.stroke();
    g.fillStyle = '#52525b';
    g.fillText(shortNumber(max * fraction), 4, y(max * fraction) + 4);
  }
  g.fillText(axis[0].slice(11, 16), left, canvas.height - 6);
  g.fillText(`${axis[axis.length - 1].slice(11, 16)} UTC`, left + width - 60, canvas.height - 6);
  let legend = left;
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 2;
    g.beginPath();
    s.values.forEach((value, i) => (i ? g.lineTo(x(i), y(value)) : g.moveTo(x(i), y(value))));
    g.stroke();
    g.fillStyle = s.color;
    g.fillRect(legend, 8, 10, 10);
    g.fillStyle = '#18181b';
    g.fillText(s.label, legend + 14, 17);
    legend += 30 + g.measureText(s.label).width;
  }
  canvas.dataset.max = String(max);
}
