// Weekly retention (dashboard.md §2.11): the triangle of cohorts W0…W3, oldest first; cell (i, j) is the share
// of cohort i seen again in week j. Columns "Initial 7 days" … "21 days later", rows "21 days earlier" …
import { useApp } from '../context.ts';
import { formatPercent, intlLocale } from './format.ts';
import { PanelSection } from './section.tsx';
import type { PanelProps } from './types.ts';

const DARK_RGB = [11, 83, 61];

function luminance([r, g, b]: number[]): number {
  const [lr, lg, lb] = [r!, g!, b!].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
}

/**
 * §2.11: dark green at opacity 0.25 + 0.75 × value (0 % near-white), blended onto white here so the text colour
 * can be picked for contrast: black or white, whichever contrasts more (at least 4.5:1 everywhere).
 */
export function cellColors(value: number): { background: string; color: string } {
  if (value <= 0) return { background: '#f4f4f4', color: '#111' };
  const alpha = 0.25 + 0.75 * Math.min(1, value);
  const rgb = DARK_RGB.map((channel) => Math.round(255 * (1 - alpha) + channel * alpha));
  const light = luminance(rgb);
  const onBlack = (light + 0.05) / 0.05;
  const onWhite = 1.05 / (light + 0.05);
  return { background: `rgb(${rgb.join(', ')})`, color: onBlack >= onWhite ? '#000' : '#fff' };
}

export function Retention({ stats, explainer }: PanelProps) {
  const { s, uiLocale } = useApp();
  const r = s.retention;
  const locale = intlLocale(uiLocale);
  const columns = [r.initial, r.later7, r.later14, r.later21];
  const rows = [r.earlier21, r.earlier14, r.earlier7, r.initial];
  return (
    <PanelSection title={r.heading} explainer={explainer?.('retention')} testid="dashboard/retention">
      <div class="overflow-x-auto">
        <table class="collapse f6 w-100" data-testid="dashboard/retention-matrix">
          <thead>
            <tr>
              <th scope="col" class="tl fw6 pa2">
                {r.cohort}
              </th>
              {columns.map((label) => (
                <th key={label} scope="col" class="tc fw6 pa2">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((label, i) => {
              const cells = stats.retentionMatrix[i] ?? [];
              return (
                <tr key={label}>
                  <th scope="row" class="tl fw4 pa2">
                    {label}
                  </th>
                  {columns.map((_, j) => {
                    // Row i starts at its own week: column j holds cells[j − i]; the rest of the triangle is blank.
                    const value = j >= i ? cells[j - i] : undefined;
                    if (value === undefined) return <td key={j} class="pa2" />;
                    const colors = cellColors(value);
                    return (
                      <td key={j} class="tc pa2 ba b--white" style={{ backgroundColor: colors.background, color: colors.color }} data-cell={`${i},${j}`}>
                        {formatPercent(value, locale)}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </PanelSection>
  );
}
