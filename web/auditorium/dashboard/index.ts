// The dashboard's data panels (contract 1 of issue 4), shared by the operator dashboard (dashboard.md §1.3) and
// the User Auditorium (§1.10).
export type { ExplainerKey, MetricKey, PanelProps, RenderExplainer, TableKey, Variant } from './types.ts';
export type { TableRow } from '../../vault/manage/stats/types.ts';
export { RangeSelector } from './range-selector.tsx';
export { Chart } from './chart.tsx';
export { KeyMetrics } from './key-metrics.tsx';
export { UrlTables } from './url-tables.tsx';
export { Retention } from './retention.tsx';
export { RealTime } from './real-time.tsx';
export { ExportEventsButton, downloadFile, toCsv } from './csv.tsx';
export { queryFromPlace } from './query.ts';
