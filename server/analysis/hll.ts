/**
 * HyperLogLog (Flajolet et al. 2007, with the small-range correction) for distinct authors over long
 * ranges: one 4 KiB sketch per subject and day, merged by taking register maxima. Adding the same
 * author twice changes nothing, so re-delivered batches cannot inflate counts. Standard error at
 * this precision is 1.04 / sqrt(4096) ≈ 1.6 %.
 */
const P = 12;
export const HLL_REGISTERS = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);

/** 32-bit FNV-1a followed by a murmur3 finaliser, so similar keys spread over all registers. */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function emptySketch(): Uint8Array {
  return new Uint8Array(HLL_REGISTERS);
}

/**
 * The register a key falls in and the rank it offers there (leading zeros of the rest of the hash,
 * plus one). A sketch holds, per register, the highest rank offered.
 * @example hllPosition('author-1') // { register: 3077, rank: 4 }
 */
export function hllPosition(key: string): { register: number; rank: number } {
  const h = hash32(key);
  const rest = (h << P) >>> 0;
  return { register: h >>> (32 - P), rank: Math.min(rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1, 32 - P + 1) };
}

/** Adds a key; returns true when the sketch changed. */
export function addToSketch(sketch: Uint8Array, key: string): boolean {
  const { register, rank } = hllPosition(key);
  if (rank > sketch[register]!) {
    sketch[register] = rank;
    return true;
  }
  return false;
}

/** Merges `other` into `into` (register maxima). */
export function mergeSketch(into: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < HLL_REGISTERS; i++) if (other[i]! > into[i]!) into[i] = other[i]!;
}

/** Estimated number of distinct keys. @example estimate(sketchOf(['a','b','a'])) // 2 */
export function estimate(sketch: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < HLL_REGISTERS; i++) {
    sum += 2 ** -sketch[i]!;
    if (sketch[i] === 0) zeros++;
  }
  const raw = (ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
  // Linear counting is far more accurate while many registers are still empty.
  if (raw <= 2.5 * HLL_REGISTERS && zeros > 0) return Math.round(HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros));
  return Math.round(raw);
}
