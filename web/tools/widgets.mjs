// Writes the awareness-widget images of dashboard.md §1.3 item 12 and §6: one SVG per kind (bar, box, circle)
// and locale, `src/Offen/static/user-access-widget-<kind>-<locale>.svg`, which the server embeds and serves at
// the root (server.md §1.5). Run `node web/tools/widgets.mjs` after changing a text here; the texts must equal
// `widgets.alt` of web/locales/<locale>.ts (checked by web/locales/operator-sections.test.ts).
// Own design: Offen's greens (#0b533d, #19A974), a small bar-chart mark, plain system sans-serif text.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DARK = '#0b533d';
const LIGHT = '#19A974';
const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** The widget text per locale, and how it breaks into lines on the box and the circle (joined by spaces). */
export const TEXTS = {
  en: { box: ['Access your', 'usage data'], circle: ['Access your', 'usage data'] },
  de: { box: ['Zugriff auf Ihre', 'Nutzungsdaten'], circle: ['Zugriff auf', 'Ihre', 'Nutzungsdaten'] },
  fr: { box: ['Accédez à vos données', 'd’utilisation'], circle: ['Accédez à', 'vos données', 'd’utilisation'] },
  es: { box: ['Accede a tus', 'datos de uso'], circle: ['Accede a tus', 'datos de uso'] },
  pt: { box: ['Aceda aos seus', 'dados de utilização'], circle: ['Aceda aos', 'seus dados de', 'utilização'] },
  vi: { box: ['Truy cập dữ liệu', 'sử dụng của bạn'], circle: ['Truy cập', 'dữ liệu sử dụng', 'của bạn'] },
};

export const KINDS = ['bar', 'box', 'circle'];

const escape = (text) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A rough width of bold sans-serif text, enough to size the bar (no font metrics without dependencies). */
const textWidth = (text, size) => Math.ceil([...text].length * size * 0.54);

/** The mark: a light-green disc with three rising white bars ("your usage data"), centred on cx, cy. */
function mark(cx, cy, r) {
  const w = r * 0.28;
  const gap = r * 0.12;
  const base = cy + r * 0.45;
  const bars = [0.45, 0.7, 0.95].map((h, i) => {
    const x = cx - 1.5 * w - gap + i * (w + gap);
    const height = r * h;
    return `<rect x="${x.toFixed(1)}" y="${(base - height).toFixed(1)}" width="${w.toFixed(1)}" height="${height.toFixed(1)}" rx="${(w / 4).toFixed(1)}" fill="#fff"/>`;
  });
  return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${LIGHT}"/>${bars.join('')}`;
}

function svg(width, height, title, body) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">` +
    `<title>${escape(title)}</title>${body}</svg>\n`
  );
}

function lines(texts, x, firstY, step, size, fill, anchor = 'middle') {
  return texts
    .map((line, i) => `<text x="${x}" y="${firstY + i * step}" font-family="${FONT}" font-size="${size}" font-weight="700" fill="${fill}" text-anchor="${anchor}">${escape(line)}</text>`)
    .join('');
}

export function widget(kind, locale) {
  const t = TEXTS[locale];
  const title = t.box.join(' ');
  if (kind === 'bar') {
    const size = 15;
    const width = 48 + textWidth(title, size) + 16;
    return svg(width, 40, title, `<rect width="${width}" height="40" rx="6" fill="${DARK}"/>${mark(22, 20, 13)}${lines([title], 46, 25, 0, size, '#fff', 'start')}`);
  }
  if (kind === 'box') {
    const width = 200;
    const height = 64 + t.box.length * 19 + 8;
    return svg(
      width,
      height,
      title,
      `<rect x="1.5" y="1.5" width="${width - 3}" height="${height - 3}" rx="8" fill="#fff" stroke="${DARK}" stroke-width="3"/>` +
        `${mark(width / 2, 34, 20)}${lines(t.box, width / 2, 78, 19, 14, DARK)}`,
    );
  }
  const size = 160;
  const n = t.circle.length;
  const step = 16;
  const first = 96 - ((n - 1) * step) / 2;
  return svg(
    size,
    size,
    title,
    `<circle cx="80" cy="80" r="78" fill="${DARK}"/><circle cx="80" cy="80" r="71" fill="none" stroke="${LIGHT}" stroke-width="2"/>` +
      `${mark(80, 44, 15)}${lines(t.circle, 80, first + 6, step, 13, '#fff')}`,
  );
}

const here = path.dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(here, '../../src/Offen/static');
  mkdirSync(out, { recursive: true });
  for (const kind of KINDS) {
    for (const locale of Object.keys(TEXTS)) {
      const t = TEXTS[locale];
      if (t.circle.join(' ') !== t.box.join(' ')) throw new Error(`${locale}: the box and circle texts differ`);
      writeFileSync(path.join(out, `user-access-widget-${kind}-${locale}.svg`), widget(kind, locale));
    }
  }
  console.log(`wrote ${KINDS.length * Object.keys(TEXTS).length} widgets to ${out}`);
}
