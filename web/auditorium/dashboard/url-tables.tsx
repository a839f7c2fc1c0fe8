// The Top-pages tables (dashboard.md §1.3 item 7, §2.3–2.9, §3.3, §3.5): four tab groups, 10 rows each with
// "Show all entries" (one table expanded at a time), every row key a filter link, the active filter as a pill.
import type { JSX } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import type { Filter, FilterProp } from '../../vault/manage/stats/filters.ts';
import type { TableRow } from '../../vault/manage/stats/types.ts';
import { stripHref } from '../../vault/manage/stats/urls.ts';
import type { AuditoriumStrings } from '../../locales/types.ts';
import { DANGER_COLOR, DANGER_FILL } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';
import { format } from '../locale.ts';
import { downloadFile, toCsv } from './csv.tsx';
import { displayKey, formatCount, formatDecimal, intlLocale } from './format.ts';
import { PanelSection, placeWith } from './section.tsx';
import type { PanelProps, TableKey, Variant } from './types.ts';

/** §3.5: the tab groups, in order. */
export const TABLE_GROUPS: readonly (readonly TableKey[])[] = [['pages'], ['geo'], ['referrers', 'campaigns', 'sources'], ['landingPages', 'exitPages']];

/** §3.3: the filter each table's row keys set. */
export const FILTER_OF: Readonly<Record<TableKey, FilterProp>> = {
  pages: 'href',
  geo: 'geo',
  referrers: 'referrer',
  campaigns: 'campaign',
  sources: 'source',
  landingPages: 'landing',
  exitPages: 'exit',
};

const TOP = 10;
type T = AuditoriumStrings['tables'];

/** §2.3–2.9 column headings; the visitor's count columns are worded for them (§5.3). */
export function columns(key: TableKey, variant: Variant, t: T): string[] {
  const v = variant === 'visitor';
  const sessions = v ? t.sessionsVisitor : t.sessions;
  switch (key) {
    case 'pages':
      return [t.url, v ? t.pageviewsVisitor : t.pageviews];
    case 'landingPages':
      return [t.url, v ? t.landingsVisitor : t.landings];
    case 'exitPages':
      return [t.url, v ? t.exitsVisitor : t.exits];
    case 'referrers':
      return [t.host, sessions, t.pageDepth];
    case 'campaigns':
      return [t.campaign, sessions, t.pageDepth];
    case 'sources':
      return [t.source, sessions, t.pageDepth];
    case 'geo':
      return [t.country, sessions, t.pageDepth];
  }
}

/** Whether a row is the one the active filter selects; URL filters compare stripped URLs like the vault (§0). */
function isActive(filter: Filter | null, table: TableKey, key: string): boolean {
  if (!filter || filter.prop !== FILTER_OF[table]) return false;
  const urlProp = filter.prop === 'href' || filter.prop === 'landing' || filter.prop === 'exit';
  return filter.value === key || (urlProp && stripHref(filter.value) === key);
}

function Funnel() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false" class="mr1" style={{ verticalAlign: '-1px' }}>
      <path d="M1 2h14l-5.5 6.5V14l-3-1.5V8.5z" fill="currentColor" />
    </svg>
  );
}

export function UrlTables(props: PanelProps & { onExportTable?: (key: TableKey, rows: TableRow[]) => void }) {
  const { s } = useApp();
  // §3.5: only one table of the panel is expanded at a time.
  const [expanded, setExpanded] = useState<TableKey | null>(null);
  return (
    <PanelSection
      title={props.variant === 'visitor' ? s.tables.headingVisitor : s.tables.heading}
      explainer={props.explainer?.('tables')}
      testid="dashboard/tables"
    >
      <div class="flex flex-wrap nl3 nr3">
        {TABLE_GROUPS.map((group) => (
          <div key={group[0]} class="w-100 w-50-l ph3 mb4">
            <TabGroup {...props} keys={group} expanded={expanded} onExpand={setExpanded} />
          </div>
        ))}
      </div>
    </PanelSection>
  );
}

function TabGroup(
  props: PanelProps & {
    keys: readonly TableKey[];
    expanded: TableKey | null;
    onExpand: (key: TableKey | null) => void;
    onExportTable?: (key: TableKey, rows: TableRow[]) => void;
  },
) {
  const { s } = useApp();
  const t = s.tables;
  const id = useId();
  const filtered = props.keys.find((key) => props.stats.filter?.prop === FILTER_OF[key]) ?? null;
  // The filtered table's tab starts selected, so the pill that removes the filter is in view.
  const [selected, setSelected] = useState<TableKey>(filtered ?? props.keys[0]!);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const select = (index: number) => {
    const next = props.keys[(index + props.keys.length) % props.keys.length]!;
    setSelected(next);
    tabs.current[props.keys.indexOf(next)]?.focus();
  };
  // WAI-ARIA tabs pattern: arrows move between tabs (wrapping), Home/End jump to the ends.
  const onKey = (event: JSX.TargetedKeyboardEvent<HTMLButtonElement>, index: number) => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: props.keys.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(moves[event.key]!);
  };
  return (
    <div data-table-group={props.keys.join(' ')}>
      <div class="flex items-center bb b--black-10 mb2">
        <div role="tablist" aria-label={props.keys.map((key) => t[key]).join(', ')} class="flex flex-wrap">
          {props.keys.map((key, index) => {
            const current = key === selected;
            return (
              <button
                key={key}
                ref={(element) => void (tabs.current[index] = element)}
                type="button"
                role="tab"
                id={`${id}-${key}-tab`}
                aria-selected={current ? 'true' : 'false'}
                aria-controls={`${id}-${key}-panel`}
                tabIndex={current ? 0 : -1}
                class={`pointer bg-white bn ph0 pv2 mr3 f5 near-black ${current ? `fw6 bb bw1 b--dark-green` : ''}`}
                data-table-tab={key}
                onClick={() => setSelected(key)}
                onKeyDown={(event) => onKey(event, index)}
              >
                {key === filtered ? <Funnel /> : null}
                {t[key]}
                {key === filtered ? <span class="clip">{` ${t.filtered}`}</span> : null}
              </button>
            );
          })}
        </div>
        {props.explainer ? <span class="ml2">{props.explainer(`table:${selected}`)}</span> : null}
      </div>
      {props.keys.map((key) => (
        <div key={key} role="tabpanel" id={`${id}-${key}-panel`} aria-labelledby={`${id}-${key}-tab`} hidden={key !== selected} data-table={key}>
          {key === selected ? (
            <UrlTable
              table={key}
              rows={props.stats[key]}
              filter={props.stats.filter}
              variant={props.variant}
              expanded={props.expanded === key}
              onExpand={(open) => props.onExpand(open ? key : null)}
              onExport={props.onExportTable}
            />
          ) : null}
        </div>
      ))}
    </div>
  );
}

function UrlTable(props: {
  table: TableKey;
  rows: TableRow[];
  filter: Filter | null;
  variant: Variant;
  expanded: boolean;
  onExpand: (open: boolean) => void;
  onExport?: (key: TableKey, rows: TableRow[]) => void;
}) {
  const app = useApp();
  const t = app.s.tables;
  const locale = intlLocale(app.uiLocale);
  const heads = columns(props.table, props.variant, t);
  const depth = heads.length === 3;
  const filterHere = props.filter && props.filter.prop === FILTER_OF[props.table] ? props.filter : null;
  const removeHref = placeWith(app.place, { filter: null });

  if (props.rows.length === 0 && !filterHere) {
    return <p class="f6 mid-gray">{t.empty}</p>;
  }

  const exportRows = () => {
    if (props.onExport) props.onExport(props.table, props.rows);
    else
      downloadFile(
        `${props.table}.csv`,
        'text/csv;charset=utf-8',
        toCsv(
          heads,
          props.rows.map((row) => (depth ? [row.key, row.count, row.pageDepth ?? null] : [row.key, row.count])),
        ),
      );
  };

  const keyCell = (row: TableRow) => {
    const shown = displayKey(props.table, row.key, locale, t.none);
    const text = shown.none ? <em>{shown.text}</em> : shown.text;
    if (isActive(props.filter, props.table, row.key)) {
      // §3.3: the active row is a green pill with a funnel and ✕; following it removes the filter.
      return (
        <Link
          to={removeHref}
          class="dib mw-100 truncate v-mid br-pill bg-dark-green white no-underline ph2 pv1"
          title={format(t.removeFilter, { value: shown.text })}
          data-filter-pill="active"
        >
          <Funnel />
          {text}
          <span aria-hidden="true"> ✕</span>
        </Link>
      );
    }
    return (
      <Link to={placeWith(app.place, { filter: `${FILTER_OF[props.table]}:${row.key}` })} class="near-black underline-hover no-underline" title={shown.text}>
        {text}
      </Link>
    );
  };

  const visible = props.expanded ? props.rows : props.rows.slice(0, TOP);
  return (
    <>
      <table class="w-100 collapse f6" style={{ tableLayout: 'fixed' }}>
        <thead>
          <tr class="bb b--black-10">
            <th scope="col" class="tl fw6 pv2 pr2">
              {heads[0]}
            </th>
            {heads.slice(1).map((head) => (
              <th key={head} scope="col" class="tr fw6 pv2 pl2" style={{ width: '7rem' }}>
                {head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 && filterHere ? (
            // §3.3: a filtered table without rows shows the filter value as one red row with count 0.
            <tr data-placeholder="true" style={{ color: DANGER_COLOR }}>
              <td class="pv1 pr2 truncate">
                <Link
                  to={removeHref}
                  class="dib mw-100 truncate v-mid br-pill white no-underline ph2 pv1"
                  style={DANGER_FILL}
                  title={format(t.removeFilter, { value: displayKey(props.table, filterHere.value, locale, t.none).text })}
                  data-filter-pill="placeholder"
                >
                  <Funnel />
                  {displayKey(props.table, filterHere.value, locale, t.none).text}
                  <span aria-hidden="true"> ✕</span>
                </Link>
              </td>
              <td class="tr pv1 pl2">0</td>
              {depth ? <td class="tr pv1 pl2" /> : null}
            </tr>
          ) : (
            visible.map((row, index) => {
              const count = formatCount(row.count, locale);
              return (
                <tr key={`${index}:${row.key}`} class="bb b--black-05">
                  <td class="pv1 pr2 truncate">{keyCell(row)}</td>
                  <td class="tr pv1 pl2" title={count.exact ?? undefined}>
                    {count.text}
                  </td>
                  {depth ? <td class="tr pv1 pl2">{formatDecimal(row.pageDepth ?? null, locale)}</td> : null}
                </tr>
              );
            })
          )}
        </tbody>
      </table>
      <div class="flex items-center mt2">
        {props.rows.length > TOP ? (
          <button type="button" class="pointer bg-white bn pa0 f6 dark-green underline mr3" aria-expanded={props.expanded ? 'true' : 'false'} onClick={() => props.onExpand(!props.expanded)}>
            {props.expanded ? t.showTop : t.showAll}
          </button>
        ) : null}
        <span class="flex-auto" />
        {props.rows.length > 0 ? (
          <button
            type="button"
            class="pointer bg-white ba b--black-20 br2 ph2 pv1 f7 near-black"
            title={format(app.s.exportCsv.tableLabel, { table: t[props.table] })}
            data-export-table={props.table}
            onClick={exportRows}
          >
            {app.s.exportCsv.table}
            {/* The visible name starts the accessible one (WCAG 2.5.3); the table's name tells the buttons apart. */}
            <span class="clip">{` (${t[props.table]})`}</span>
          </button>
        ) : null}
      </div>
    </>
  );
}
