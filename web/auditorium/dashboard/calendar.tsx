// A small month calendar for the custom range picker (dashboard.md §3.2): buttons per day (disabled outside
// min..max), a month heading and previous/next buttons; dates are civil dates, so no time zone shifts a day.
import { useEffect, useId, useState } from 'preact/hooks';
import { addDays, addMonths, compareDates, weekday } from '../../vault/manage/stats/zoned.ts';
import type { CivilDate } from '../../vault/manage/stats/zoned.ts';
import { longDate } from './format.ts';

export interface CalendarLabels {
  previousMonth: string;
  nextMonth: string;
}

const firstOfMonth = (date: CivilDate): CivilDate => ({ year: date.year, month: date.month, day: 1 });

export function Calendar(props: {
  label: string;
  value: CivilDate;
  min: CivilDate;
  max: CivilDate;
  locale: string;
  labels: CalendarLabels;
  onSelect: (date: CivilDate) => void;
  testid?: string;
}) {
  const id = useId();
  const [month, setMonth] = useState(firstOfMonth(props.value));
  // Follow the value when it moves to another month (e.g. the end date clamps to a new start date).
  useEffect(() => setMonth(firstOfMonth(props.value)), [props.value.year, props.value.month]);
  const monthName = new Intl.DateTimeFormat(props.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(month.year, month.month - 1, 1));
  const weekdays = Array.from({ length: 7 }, (_, i) => {
    // 2024-01-01 was a Monday; weeks start on Monday (dashboard.md §3.1).
    const at = Date.UTC(2024, 0, 1 + i);
    return {
      short: new Intl.DateTimeFormat(props.locale, { weekday: 'short', timeZone: 'UTC' }).format(at),
      long: new Intl.DateTimeFormat(props.locale, { weekday: 'long', timeZone: 'UTC' }).format(at),
    };
  });
  // Whole weeks from the Monday on or before the 1st until the month is covered.
  const start = addDays(month, -weekday(month));
  const next = addMonths(month, 1);
  const weeks: CivilDate[][] = [];
  for (let day = start; compareDates(day, next) < 0; ) {
    const week: CivilDate[] = [];
    for (let i = 0; i < 7; i++, day = addDays(day, 1)) week.push(day);
    weeks.push(week);
  }
  const canGoBack = compareDates(addDays(month, -1), props.min) >= 0;
  const canGoForward = compareDates(next, props.max) <= 0;
  const navButton = 'pointer f6 br2 ba b--black-20 bg-white near-black ph2 pv1';
  return (
    <div class="dib v-top mr4 mb3" role="group" aria-labelledby={id} data-testid={props.testid}>
      <h3 id={id} class="f6 fw6 mt0 mb2 near-black">
        {props.label}
      </h3>
      <div class="flex items-center justify-between mb1">
        <button type="button" class={navButton} aria-label={props.labels.previousMonth} disabled={!canGoBack} onClick={() => setMonth(addMonths(month, -1))}>
          ‹
        </button>
        <span class="f6 fw6 near-black" aria-live="polite">
          {monthName}
        </span>
        <button type="button" class={navButton} aria-label={props.labels.nextMonth} disabled={!canGoForward} onClick={() => setMonth(addMonths(month, 1))}>
          ›
        </button>
      </div>
      <table class="collapse f6">
        <thead>
          <tr>
            {weekdays.map((name) => (
              <th key={name.long} scope="col" abbr={name.long} class="fw4 mid-gray pa1">
                {name.short}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={`${week[0]!.year}-${week[0]!.month}-${week[0]!.day}`}>
              {week.map((day) => {
                if (day.month !== month.month) return <td key={day.day} class="pa0" />;
                const selected = compareDates(day, props.value) === 0;
                const disabled = compareDates(day, props.min) < 0 || compareDates(day, props.max) > 0;
                return (
                  <td key={day.day} class="pa0 tc">
                    <button
                      type="button"
                      class={`w2 h2 br2 bn f6 ${selected ? 'bg-dark-green white' : disabled ? 'bg-white' : 'bg-white near-black pointer'}`}
                      style={disabled ? { color: '#767676', textDecoration: 'line-through' } : undefined}
                      aria-label={longDate(day, props.locale)}
                      aria-pressed={selected ? 'true' : 'false'}
                      disabled={disabled}
                      onClick={() => props.onSelect(day)}
                    >
                      {day.day}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
