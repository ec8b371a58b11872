/** @module The below-the-line draw: a uniform number in [0, 1) from (policy version, alert id) that any replica or language can recompute. */

/*
 * The draw, so that it can be reproduced outside winnow:
 *   1. h = FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the UTF-8 bytes of
 *      the policy version, one 0x00 byte, then the UTF-8 bytes of the alert id
 *      (lone UTF-16 surrogates are encoded as U+FFFD, as TextEncoder does);
 *   2. x = (high 32 bits of h) XOR (low 32 bits of h);
 *   3. x = murmur3 fmix32(x): FNV-1a alone mixes its last bytes poorly, and ids such as
 *      `alert-000123` / `alert-000124` differ only there, so the finaliser makes neighbours independent;
 *   4. draw = x / 2^32.
 * An alert is sampled when draw < belowTheLineSampleRate, so a rate of 0 never samples.
 * 64-bit arithmetic is done on two 32-bit halves so the hot path allocates nothing (no BigInt).
 */

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3; // the prime is 2^40 + 0x1b3
const TWO_32 = 4294967296;

// State of the running hash; module-level so that hashing a string allocates nothing (JS runs one call at a time).
let hi = 0;
let lo = 0;

function byte(b: number): void {
  lo = (lo ^ b) >>> 0;
  // h * (2^40 + 0x1b3) mod 2^64 on halves: both products stay below 2^53, so doubles hold them exactly.
  const low = lo * PRIME_LO;
  const carry = Math.floor(low / TWO_32);
  hi = (hi * PRIME_LO + carry + ((lo << 8) >>> 0)) >>> 0;
  lo = low >>> 0;
}

function utf8(text: string): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      byte(c);
      continue;
    }
    if (c < 0x800) {
      byte(0xc0 | (c >> 6));
      byte(0x80 | (c & 63));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        byte(0xf0 | (cp >> 18));
        byte(0x80 | ((cp >> 12) & 63));
        byte(0x80 | ((cp >> 6) & 63));
        byte(0x80 | (cp & 63));
        continue;
      }
      c = 0xfffd;
    }
    byte(0xe0 | (c >> 12));
    byte(0x80 | ((c >> 6) & 63));
    byte(0x80 | (c & 63));
  }
}

/** The FNV-1a 64 state after hashing a policy version and the 0x00 separator, computed once per policy. */
export interface VersionSeed {
  readonly hi: number;
  readonly lo: number;
}

/** Hashes the version part of the draw once, so each alert only hashes its own id. */
export function versionSeed(version: string): VersionSeed {
  hi = OFFSET_HI;
  lo = OFFSET_LO;
  utf8(version);
  byte(0);
  return { hi, lo };
}

/** The draw in [0, 1) for one alert id under a precomputed version seed; allocates nothing. */
export function drawFromSeed(seed: VersionSeed, alertId: string): number {
  hi = seed.hi;
  lo = seed.lo;
  utf8(alertId);
  let x = (hi ^ lo) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / TWO_32;
}

/** The below-the-line draw of one alert under one policy version, for reports and audits (decide uses a precomputed seed). */
export function belowTheLineDraw(version: string, alertId: string): number {
  return drawFromSeed(versionSeed(version), alertId);
}

/** FNV-1a 64 of a string's UTF-8 bytes as 16 hex digits; the building block of the draw, exported so tests can pin it to published vectors. */
export function fnv1a64Hex(text: string): string {
  hi = OFFSET_HI;
  lo = OFFSET_LO;
  utf8(text);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
