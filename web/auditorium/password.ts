// The password policy of dashboard.md §1.9 as the server applies it (server.md §3 item 18): 8 to 64 bytes of
// UTF-8. And a live strength label with upstream's five levels; upstream uses zxcvbn (about 400 KB), which does
// not fit the 150 KB budget of issue 4, so this is a small estimate of our own: length, character variety and
// the most common weaknesses (repeats, sequences, well-known passwords).

export const MIN_PASSWORD_BYTES = 8;
export const MAX_PASSWORD_BYTES = 64;

export function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}

export type PasswordProblem = 'tooShort' | 'tooLong' | null;

export function passwordProblem(password: string): PasswordProblem {
  const bytes = byteLength(password);
  if (bytes < MIN_PASSWORD_BYTES) return 'tooShort';
  if (bytes > MAX_PASSWORD_BYTES) return 'tooLong';
  return null;
}

/** 0 weak, 1 low, 2 ok, 3 strong, 4 very strong (zxcvbn's scale, which upstream labels). */
export type Strength = 0 | 1 | 2 | 3 | 4;

const COMMON = ['password', 'passwort', 'qwerty', 'azerty', 'letmein', 'welcome', 'admin', 'offen', 'secret', 'iloveyou', 'dragon', 'monkey'];

/** Runs of 3+ characters that step by +1 or -1 (abc, 321) or repeat (aaa) are worth little. */
function predictableRuns(password: string): number {
  let count = 0;
  for (let i = 2; i < password.length; i++) {
    const a = password.charCodeAt(i - 2);
    const b = password.charCodeAt(i - 1);
    const c = password.charCodeAt(i);
    if ((b - a === c - b && Math.abs(b - a) <= 1)) count++;
  }
  return count;
}

export function passwordStrength(password: string): Strength {
  if (password.length === 0) return 0;
  const lower = password.toLowerCase();
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  // Characters that only repeat a pattern add nothing.
  const effectiveLength = Math.max(1, new Set(password).size * 0.5 + password.length * 0.5 - predictableRuns(password));
  let bits = effectiveLength * Math.log2(Math.max(pool, 2));
  if (COMMON.some((word) => lower.includes(word))) bits -= 20;
  if (bits < 28) return 0;
  if (bits < 36) return 1;
  if (bits < 50) return 2;
  if (bits < 70) return 3;
  return 4;
}
