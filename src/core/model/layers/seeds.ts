// Dropout seeds: one per (forward seed, encoder, dropout site), so masks repeat exactly for the same forward
// seed and never coincide between sites or modalities.

/** FNV-1a of a label, to mix a modality name into the seeds. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A murmur3-style finaliser over (forward seed, label hash, site index): a well-spread uint32. */
export function siteSeed(forwardSeed: number, labelHash: number, site: number): number {
  let h = (Math.floor(forwardSeed) >>> 0) ^ Math.imul(labelHash, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h + Math.imul(site + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
