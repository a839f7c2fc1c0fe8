// "Show data from" (dashboard.md §1.3 item 4, §3.1, §3.2): the range presets as links that keep the other query
// parameters, greyed where the retention setting rules them out, and the "Custom ▾" picker with two calendars.
import { useEffect, useId, useState } from 'preact/hooks';
import { RANGE_PRESETS, presetAvailable, retentionDays } from '../../vault/manage/stats/ranges.ts';
import type { PresetId } from '../../vault/manage/stats/ranges.ts';
import type { DashboardStats } from '../../vault/manage/stats/types.ts';
import { addDays, civilDateOf, compareDates, formatCivilDate, parseCivilDate } from '../../vault/manage/stats/zoned.ts';
import type { CivilDate } from '../../vault/manage/stats/zoned.ts';
import type { AuditoriumStrings } from '../../locales/types.ts';
import { BUTTON } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';
import { format } from '../locale.ts';
import { Calendar } from './calendar.tsx';
import { intlLocale, longDate } from './format.ts';
import { PanelSection, placeWith } from './section.tsx';
import type { RenderExplainer } from './types.ts';

const LABELS: Record<PresetId, keyof AuditoriumStrings['range']> = {
  yesterday: 'yesterday',
  '24hours': 'hours24',
  '7days': 'days7',
  '30days': 'days30',
  '6weeks': 'weeks6',
  '12weeks': 'weeks12',
  '6months': 'months6',
};

/** The link target of a preset: its range/resolution set, from/to dropped, everything else kept (§3.1). */
export function presetHref(place: { pathname: string; search: string }, id: PresetId): string {
  const preset = RANGE_PRESETS.find((candidate) => candidate.id === id)!;
  return placeWith(place, { from: null, to: null, range: preset.query.range ?? null, resolution: preset.query.resolution ?? null });
}

/** "Now" of the page: the `now` parameter when given (§3.4), else the clock. */
function pageNow(search: string): number {
  const raw = new URLSearchParams(search).get('now');
  const parsed = raw ? new Date(raw).getTime() : NaN;
  return Number.isNaN(parsed) ? Date.now() : parsed;
}

const clamp = (day: CivilDate, min: CivilDate, max: CivilDate) => (compareDates(day, min) < 0 ? min : compareDates(day, max) > 0 ? max : day);

export function RangeSelector(props: { stats: DashboardStats; retentionPeriod?: string; explainer?: RenderExplainer }) {
  const app = useApp();
  const r = app.s.range;
  const window = props.stats.window;
  const [open, setOpen] = useState(false);
  const pickerId = useId();
  // Picking a preset (or selecting a custom range) navigates; the picker closes then (§3.2).
  useEffect(() => setOpen(false), [app.place.search]);

  const active = window.custom ? null : window.preset;
  const underline = 'bb bw1 b--dark-green';
  return (
    <PanelSection title={r.heading} explainer={props.explainer?.('range')} testid="dashboard/range">
      <nav aria-label={r.presets}>
        <ul class="list pa0 ma0 flex flex-wrap items-center f6">
          {RANGE_PRESETS.map((preset) => {
            const label = r[LABELS[preset.id]];
            const available = presetAvailable(preset.id, props.retentionPeriod);
            return [
              // §3.1: on wide screens the second group (24 hours onwards) is prefixed with "Last".
              preset.id === '24hours' ? (
                <li key="last" class="dn di-ns mr2 mid-gray" aria-hidden="true">
                  {r.last}
                </li>
              ) : null,
              <li key={preset.id} class="mr3 mb2" data-preset={preset.id}>
                {available ? (
                  <Link
                    to={presetHref(app.place, preset.id)}
                    class={`dib pv1 no-underline near-black ${preset.id === active ? `fw6 ${underline}` : ''}`}
                    aria-current={preset.id === active ? 'time' : undefined}
                  >
                    {label}
                  </Link>
                ) : (
                  // Greyed, not clickable, with the tooltip of §3.1. #767676 still meets 4.5:1 on white.
                  <span class="dib pv1" style={{ color: '#767676' }} title={r.notAvailable} aria-disabled="true">
                    {label}
                  </span>
                )}
              </li>,
            ];
          })}
          <li class="mb2">
            <button
              type="button"
              class={`pointer bg-white bn pa0 pv1 f6 near-black ${window.custom ? `fw6 ${underline}` : ''}`}
              aria-expanded={open ? 'true' : 'false'}
              aria-controls={pickerId}
              data-testid="dashboard/range-custom"
              onClick={() => setOpen(!open)}
            >
              {r.custom} ▾
            </button>
          </li>
        </ul>
      </nav>
      <p class="f6 mid-gray mt2 mb0">{r.retentionHint}</p>
      <div id={pickerId} hidden={!open}>
        {open ? <CustomPicker stats={props.stats} retentionPeriod={props.retentionPeriod} /> : null}
      </div>
    </PanelSection>
  );
}

function CustomPicker(props: { stats: DashboardStats; retentionPeriod?: string }) {
  const app = useApp();
  const r = app.s.range;
  const locale = intlLocale(app.uiLocale);
  const timeZone = props.stats.window.timeZone;
  // §3.2: start between today − look-back and the end; end between the start and today (viewer's zone).
  const today = civilDateOf(pageNow(app.place.search), timeZone);
  const earliest = addDays(today, -retentionDays(props.retentionPeriod));
  const params = new URLSearchParams(app.place.search);
  const initialStart = parseCivilDate(params.get('from') ?? '') ?? civilDateOf(Date.parse(props.stats.window.from), timeZone);
  const initialEnd = parseCivilDate(params.get('to') ?? '') ?? today;
  const [end, setEnd] = useState(() => clamp(initialEnd, earliest, today));
  const [start, setStart] = useState(() => clamp(initialStart, earliest, end));
  const labels = { previousMonth: r.previousMonth, nextMonth: r.nextMonth };
  return (
    <div class="mt3" data-testid="dashboard/range-picker">
      <Calendar label={r.startDate} value={start} min={earliest} max={end} locale={locale} labels={labels} onSelect={setStart} testid="dashboard/range-start" />
      <Calendar label={r.endDate} value={end} min={start} max={today} locale={locale} labels={labels} onSelect={setEnd} testid="dashboard/range-end" />
      <p class="f6 near-black" data-testid="dashboard/range-summary">
        {format(r.summary, { from: longDate(start, locale), to: longDate(end, locale) })}
      </p>
      <button
        type="button"
        class={BUTTON}
        onClick={() => app.navigate(placeWith(app.place, { from: formatCivilDate(start), to: formatCivilDate(end), range: null, resolution: null }))}
      >
        {r.select}
      </button>
    </div>
  );
}
