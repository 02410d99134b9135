/** Small, stable, non-cryptographic hashing and pseudo-random numbers shared by the code base. */

// FNV-1a, 32 bits: offset basis 2166136261 and prime 16777619 from the FNV reference
// (IETF draft-eastlake-fnv, "FNV-1a"). Not cryptographic; we need stable, well-mixed seeds.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-8 bytes of a string, as an unsigned 32-bit integer. */
export function hashString(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * A deterministic stream of numbers in [0, 1) from a 32-bit seed: the "Mulberry32" generator
 * (Tommy Ettinger, public domain), good enough for jitter and tiny.
 */
export function numberStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
