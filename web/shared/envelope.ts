// The versioned cipher string and the two base64 flavours (clients-and-crypto.md §4.3, §7 item 3).
// Envelopes use standard base64 WITH padding (Go decodes strictly, JS uses atob/btoa); JWK members use
// base64url WITHOUT padding. Both providers (webcrypto.ts, vault/userland.ts) share these helpers.

/** A parsed "{algo,[keyVersion]} b64(cipher)[ b64(nonce)]". */
export interface Envelope {
  /** Its meaning depends on the field (§4.3 table, §7 item 2): 1 = AES-GCM or RSA-OAEP-256 for our values. */
  algo: number;
  /** Empty in practice ("{1,}"), which parses as null. */
  keyVersion: number | null;
  cipher: Uint8Array<ArrayBuffer>;
  /** The third token: the AES-GCM IV, or the salt of a password hash. */
  nonce?: Uint8Array<ArrayBuffer>;
}

// §4.3: Go anchors `^{(\d+?),(\d*?)}\s(.+)`; the JS client uses the same pattern without `^`, then splits
// the remainder on single spaces. We do the same, so we accept exactly what the upstream vault accepts
// (apart from more than two tokens or empty ones, which no writer produces and we reject).
const PATTERN = /{(\d+?),(\d*?)}\s(.+)/;

export function parseEnvelope(value: string): Envelope {
  const match = PATTERN.exec(value);
  if (match === null) throw new Error('malformed versioned cipher string: expected "{algo,[version]} <base64>[ <base64>]"');
  const tokens = match[3].split(' ');
  if (tokens.length > 2 || tokens.some((t) => t === '')) {
    throw new Error(`malformed versioned cipher string: expected one or two base64 tokens, got ${tokens.length}`);
  }
  const envelope: Envelope = {
    algo: Number(match[1]),
    keyVersion: match[2] === '' ? null : Number(match[2]),
    cipher: decodeBase64(tokens[0], 'cipher'),
  };
  if (tokens.length === 2) envelope.nonce = decodeBase64(tokens[1], 'nonce');
  return envelope;
}

/** "{algo,[keyVersion]} b64(cipher)[ b64(nonce)]" in standard padded base64 (§4.3). */
export function formatEnvelope(algo: number, cipher: Uint8Array, nonce?: Uint8Array, keyVersion?: number): string {
  if (!Number.isSafeInteger(algo) || algo < 0) throw new Error(`invalid algo number ${algo}`);
  const version = keyVersion === undefined ? '' : String(keyVersion);
  const head = `{${algo},${version}} ${encodeBase64(cipher)}`;
  return nonce === undefined ? head : `${head} ${encodeBase64(nonce)}`;
}

/** Standard base64 (RFC 4648 §4) with padding, the same output as btoa. */
export function encodeBase64(bytes: Uint8Array): string {
  // btoa takes a "binary string"; build it in chunks so big inputs do not exhaust the argument stack.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
  }
  return btoa(binary);
}

type FromBase64 = (text: string) => Uint8Array<ArrayBuffer>;
/** The native decoder where the engine has one (Chromium 140+): about twice as fast as atob plus a copy loop. */
let nativeFromBase64: FromBase64 | undefined = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64?.bind(Uint8Array);

/** Test hook: the decoder decodeBase64 tries first (undefined: atob only); returns the one it replaced. */
export function setNativeBase64ForTests(decoder: FromBase64 | undefined): FromBase64 | undefined {
  const previous = nativeFromBase64;
  nativeFromBase64 = decoder;
  return previous;
}

/**
 * Standard base64, as lenient as atob (which the upstream vault uses): padding may be missing. The native
 * decoder is tried first; whatever it refuses goes through atob, so nothing atob accepts is refused.
 */
export function decodeBase64(text: string, what = 'value'): Uint8Array<ArrayBuffer> {
  if (nativeFromBase64 !== undefined) {
    try {
      return nativeFromBase64(text);
    } catch {
      // atob decides.
    }
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error(`${what} is not valid standard base64`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** base64url without padding (RFC 7515), the encoding of JWK members. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url; missing padding is fine (§4.6 quirk 3: forge never pads and relies on atob). */
export function decodeBase64Url(text: string, what = 'value'): Uint8Array<ArrayBuffer> {
  if (/[+/]/.test(text)) throw new Error(`${what} is not valid base64url`);
  return decodeBase64(text.replace(/-/g, '+').replace(/_/g, '/'), what);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Opens an envelope that must carry AES-GCM (algo 1, §4.3 table) and returns cipher ‖ tag and the IV.
 * 12-byte IVs are ours; 16-byte ones come from upstream's forge fallback (§4.6 quirk 1, D7).
 */
export function parseSymmetricEnvelope(value: string): { cipher: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer> } {
  const { algo, cipher, nonce } = parseEnvelope(value);
  if (algo !== 1) throw new Error(`unsupported algo ${algo} for an AES-GCM envelope, expected 1`);
  if (nonce === undefined) throw new Error('AES-GCM envelope has no IV');
  if (nonce.length !== 12 && nonce.length !== 16) throw new Error(`AES-GCM IV must be 12 or 16 bytes, got ${nonce.length}`);
  if (cipher.length < 16) throw new Error('AES-GCM ciphertext is shorter than its tag');
  return { cipher, iv: nonce };
}

/** Opens an envelope that must carry one RSA-OAEP-256 block (algo 1, two tokens only, §7 item 3). */
export function parseAsymmetricEnvelope(value: string): Uint8Array<ArrayBuffer> {
  const { algo, cipher, nonce } = parseEnvelope(value);
  if (algo !== 1) throw new Error(`unsupported algo ${algo} for an RSA-OAEP envelope, expected 1`);
  if (nonce !== undefined) throw new Error('RSA-OAEP envelope must not carry a nonce');
  return cipher;
}
