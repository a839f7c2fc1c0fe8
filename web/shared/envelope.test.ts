import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  setNativeBase64ForTests,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  formatEnvelope,
  parseAsymmetricEnvelope,
  parseEnvelope,
  parseSymmetricEnvelope,
} from './envelope.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseEnvelope', () => {
  // clients-and-crypto.md §6: the strings of upstream's server/keys/version_test.go.
  it.each([
    ['{1,} YWJj', 1, null, 'abc', undefined],
    ['{2,3} YWJj', 2, 3, 'abc', undefined],
    ['{2,} YWJj eHl6', 2, null, 'abc', 'xyz'],
    ['{4,1} YWJj eHl6', 4, 1, 'abc', 'xyz'],
  ])('parses %s', (input, algo, keyVersion, cipher, nonce) => {
    const envelope = parseEnvelope(input);
    expect(envelope.algo).toBe(algo);
    expect(envelope.keyVersion).toBe(keyVersion);
    expect(envelope.cipher).toEqual(bytes(cipher));
    if (nonce === undefined) expect(envelope.nonce).toBeUndefined();
    else expect(envelope.nonce).toEqual(bytes(nonce));
  });

  it.each(['xuuusxa', '{1, YWJj', '', '{1,}YWJj', '{a,} YWJj', '{1,} YWJj  eHl6', '{1,} YWJj eHl6 YWJj', '{1,} YW*j'])(
    'rejects %j with a clear error',
    (input) => {
      expect(() => parseEnvelope(input)).toThrow(/malformed versioned cipher string|not valid standard base64/);
    },
  );

  it('keeps the salt of a password hash in the nonce slot (§4.3, §6 HashString vector)', () => {
    const envelope = parseEnvelope('{3,} DsczKvzLj1rsK8+8wokueO6MLCwjbL+WSGuzF6H73TI= EBESExQVFhcYGRobHB0eHw==');
    expect(envelope.algo).toBe(3);
    expect(envelope.cipher.length).toBe(32);
    expect(Array.from(envelope.nonce ?? [])).toEqual(Array.from({ length: 16 }, (_, i) => 16 + i));
  });

  it('accepts unpadded base64 like atob does (the upstream vault decodes with atob)', () => {
    expect(parseEnvelope('{1,} YWJjZA').cipher).toEqual(bytes('abcd'));
  });

  it('rejects base64url characters in an envelope (§7 item 3: atob rejects them)', () => {
    expect(() => parseEnvelope('{1,} ab-_')).toThrow('cipher is not valid standard base64');
  });
});

describe('formatEnvelope', () => {
  it('writes "{algo,} b64 b64" with padded standard base64 and round-trips', () => {
    const cipher = Uint8Array.of(0xfb, 0xff, 0xbf, 0x00);
    const nonce = Uint8Array.of(1, 2, 3, 4, 5);
    const text = formatEnvelope(1, cipher, nonce);
    expect(text).toBe('{1,} +/+/AA== AQIDBAU=');
    const parsed = parseEnvelope(text);
    expect(parsed).toEqual({ algo: 1, keyVersion: null, cipher, nonce });
  });

  it('omits the nonce token and writes a key version when given', () => {
    expect(formatEnvelope(2, bytes('abc'), undefined, 3)).toBe('{2,3} YWJj');
    expect(formatEnvelope(1, bytes('abc'))).toBe('{1,} YWJj');
  });
});

describe('typed envelopes', () => {
  it('symmetric: needs algo 1 and a 12- or 16-byte IV', () => {
    const sealed = new Uint8Array(20);
    expect(parseSymmetricEnvelope(formatEnvelope(1, sealed, new Uint8Array(12))).iv.length).toBe(12);
    expect(parseSymmetricEnvelope(formatEnvelope(1, sealed, new Uint8Array(16))).iv.length).toBe(16);
    expect(() => parseSymmetricEnvelope(formatEnvelope(1, sealed, new Uint8Array(8)))).toThrow('12 or 16 bytes');
    expect(() => parseSymmetricEnvelope(formatEnvelope(1, sealed))).toThrow('no IV');
    expect(() => parseSymmetricEnvelope(formatEnvelope(2, sealed, new Uint8Array(12)))).toThrow('unsupported algo 2');
    expect(() => parseSymmetricEnvelope(formatEnvelope(1, new Uint8Array(15), new Uint8Array(12)))).toThrow('tag');
  });

  it('asymmetric: needs algo 1 and exactly two tokens', () => {
    expect(parseAsymmetricEnvelope('{1,} YWJj')).toEqual(bytes('abc'));
    expect(() => parseAsymmetricEnvelope('{1,} YWJj eHl6')).toThrow('must not carry a nonce');
    expect(() => parseAsymmetricEnvelope('{3,} YWJj')).toThrow('unsupported algo 3');
  });
});

describe('base64', () => {
  it('uses the native decoder where there is one, and atob for whatever it refuses', () => {
    const seen: string[] = [];
    const strict = (text: string) => {
      seen.push(text);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new SyntaxError('refused');
      return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    };
    const previous = setNativeBase64ForTests(strict);
    try {
      expect(decodeBase64('AAEC')).toEqual(new Uint8Array([0, 1, 2]));
      // Refused natively (no padding, whitespace) but accepted by atob, as upstream's vault does.
      expect(decodeBase64('AAE')).toEqual(new Uint8Array([0, 1]));
      expect(decodeBase64('AA EC')).toEqual(new Uint8Array([0, 1, 2]));
      expect(seen).toEqual(['AAEC', 'AAE', 'AA EC']);
      expect(() => decodeBase64('A-B_', 'the cipher')).toThrow('the cipher is not valid standard base64');
    } finally {
      setNativeBase64ForTests(previous);
    }
  });

  it('standard base64 matches btoa/atob for every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    let binary = '';
    for (const b of all) binary += String.fromCharCode(b);
    expect(encodeBase64(all)).toBe(btoa(binary));
    expect(decodeBase64(encodeBase64(all))).toEqual(all);
  });

  it('base64url has no padding and no + or /, and its decoder accepts missing padding', () => {
    const value = Uint8Array.of(0xfb, 0xff, 0xbf, 0x00);
    expect(encodeBase64Url(value)).toBe('-_-_AA');
    expect(decodeBase64Url('-_-_AA')).toEqual(value);
    expect(decodeBase64Url('-_-_AA==')).toEqual(value);
    // The KEK JWK of the vectors (§6).
    expect(encodeBase64(decodeBase64Url('ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM'))).toBe(
      'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=',
    );
  });

  it('base64url rejects standard-only characters', () => {
    expect(() => decodeBase64Url('+/+/AA', 'JWK k')).toThrow('JWK k is not valid base64url');
  });
});
