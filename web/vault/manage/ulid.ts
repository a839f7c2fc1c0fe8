// Event time is the ULID time of the server-minted eventId (clients-and-crypto.md §7.12, dashboard.md §1):
// the first 10 Crockford base-32 characters are milliseconds since the epoch.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

/** The ULID's time in ms, or null when `id` is not a ULID. */
export function ulidTime(id: string): number | null {
  if (id.length !== 26) return null;
  let time = 0;
  for (let i = 0; i < 10; i++) {
    const digit = CROCKFORD.indexOf(id.charAt(i).toUpperCase());
    if (digit < 0) return null;
    time = time * 32 + digit;
  }
  return time <= MAX_TIME ? time : null;
}
