import { describe, expect, it } from 'vitest';
import { newPasswordError } from './components/fields.tsx';
import { byteLength, passwordProblem, passwordStrength } from './password.ts';

describe('password policy (dashboard.md §1.9, server.md §3 item 18: 8–64 bytes of UTF-8)', () => {
  it('counts bytes, not characters', () => {
    expect(byteLength('abcdefgh')).toBe(8);
    expect(byteLength('äöü')).toBe(6);
    expect(byteLength('🙂')).toBe(4);
  });

  it('rejects fewer than 8 and more than 64 bytes', () => {
    expect(passwordProblem('1234567')).toBe('tooShort');
    expect(passwordProblem('12345678')).toBeNull();
    // 4 characters, 8 bytes: long enough for the server.
    expect(passwordProblem('ääää')).toBeNull();
    expect(passwordProblem('x'.repeat(64))).toBeNull();
    expect(passwordProblem('x'.repeat(65))).toBe('tooLong');
    // 33 characters but 66 bytes.
    expect(passwordProblem('é'.repeat(33))).toBe('tooLong');
  });

  it('checks the policy before the repetition (D9)', () => {
    expect(newPasswordError('short', 'other')).toBe('tooShort');
    expect(newPasswordError('long enough', 'long enougH')).toBe('mismatch');
    expect(newPasswordError('long enough', 'long enough')).toBeNull();
  });
});

describe('passwordStrength', () => {
  it('rates short, repetitive and common passwords low and long varied ones high', () => {
    expect(passwordStrength('')).toBe(0);
    expect(passwordStrength('aaaaaaaa')).toBe(0);
    expect(passwordStrength('password1')).toBe(0);
    expect(passwordStrength('abcdefgh')).toBeLessThanOrEqual(1);
    expect(passwordStrength('Tr0ub4dor&3')).toBeGreaterThanOrEqual(2);
    expect(passwordStrength('correct horse battery staple')).toBeGreaterThanOrEqual(3);
    expect(passwordStrength('x7#Kq9!vLm2@Pz8$Wn4^')).toBe(4);
  });

  it('never rates a longer variant of a password lower', () => {
    const base = 'Blue-Harbor-';
    let previous = passwordStrength(base);
    for (const suffix of ['7', '7x', '7xQ', '7xQ!', '7xQ!m', '7xQ!mR2']) {
      const next = passwordStrength(base + suffix);
      expect(next).toBeGreaterThanOrEqual(previous);
      previous = next;
    }
  });
});
