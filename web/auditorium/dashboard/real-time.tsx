// Real time (dashboard.md §2.10, operator only): active users of the last 15 minutes and the top 5 active pages.
// The vault already returns at most five pages, so there is nothing to expand.
import type { DashboardStats } from '../../vault/manage/stats/types.ts';
import { useApp } from '../context.ts';
import { formatCount, intlLocale } from './format.ts';
import { PanelSection } from './section.tsx';

export function RealTime({ stats }: { stats: DashboardStats }) {
  const { s, uiLocale } = useApp();
  const l = s.live;
  const locale = intlLocale(uiLocale);
  const users = formatCount(stats.liveUsers, locale);
  return (
    <PanelSection title={l.heading} testid="dashboard/realtime">
      <p class="ma0 mb3">
        <span class="db f2 fw6 dark-green" title={users.exact ?? undefined} data-testid="dashboard/live-users">
          {users.text}
        </span>
        <span class="f6 mid-gray">{l.activeUsers}</span>
      </p>
      <h3 class="f5 fw6 mt0 mb2 near-black">{l.activePages}</h3>
      {stats.livePages.length === 0 ? (
        <p class="f6 mid-gray ma0">{l.empty}</p>
      ) : (
        <table class="w-100 collapse f6" style={{ tableLayout: 'fixed' }}>
          <thead>
            <tr class="bb b--black-10">
              <th scope="col" class="tl fw6 pv2 pr2">
                {l.url}
              </th>
              <th scope="col" class="tr fw6 pv2 pl2" style={{ width: '7rem' }}>
                {l.visitors}
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.livePages.slice(0, 5).map((row) => (
              <tr key={row.key} class="bb b--black-05">
                <td class="pv1 pr2 truncate" title={row.key}>
                  {row.key}
                </td>
                <td class="tr pv1 pl2">{formatCount(row.count, locale).text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </PanelSection>
  );
}
