// `{name}` templates whose values are markup (an emphasised domain, a link), for sentences where the value's
// position differs between languages (dashboard.md §6: every locale has the same placeholders).
import type { ComponentChildren } from 'preact';

/** Splits `template` at its placeholders and puts the given nodes there; unknown names stay visible. */
export function formatNodes(template: string, values: Record<string, ComponentChildren>): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const index = match.index ?? 0;
    if (index > last) out.push(template.slice(last, index));
    out.push(Object.prototype.hasOwnProperty.call(values, match[1]) ? values[match[1]] : match[0]);
    last = index + match[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}

/** dashboard.md §6: dates and numbers use en-GB for `en` and de-DE for `de`; the other locales as they are. */
export function intlLocale(uiLocale: string): string {
  return uiLocale === 'en' ? 'en-GB' : uiLocale === 'de' ? 'de-DE' : uiLocale;
}

/** A localised country name for an ISO 3166 alpha-2 code (§2.8), or the code when the runtime has none. */
export function countryName(code: string, uiLocale: string): string {
  try {
    return new Intl.DisplayNames([intlLocale(uiLocale)], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
