/**
 * Global magnitude thresholding on plain arrays (the trainer reads the weights once per mask
 * update). "Global": one threshold over every prunable tensor, so layers lose weights in
 * proportion to how small their weights are rather than by a fixed per-layer share.
 */

/** Per-tensor 0/1 masks zeroing the round(s·N) smallest |w| over all tensors together (N = all elements). */
export function unstructuredMasks(tensors: readonly Float32Array[], sparsity: number): Float32Array[] {
  const total = tensors.reduce((s, t) => s + t.length, 0);
  const drop = Math.min(total, Math.max(0, Math.round(sparsity * total)));
  const masks = tensors.map((t) => new Float32Array(t.length).fill(1));
  if (drop === 0) return masks;
  const all = new Float32Array(total);
  let o = 0;
  for (const t of tensors) for (let i = 0; i < t.length; i++) all[o++] = Math.abs(t[i]!);
  all.sort();
  const threshold = all[drop - 1]!;
  // Ties at the threshold: zero exactly `drop` elements, the earliest ones first.
  let ties = drop - lowerBound(all, threshold);
  tensors.forEach((t, k) => {
    const m = masks[k]!;
    for (let i = 0; i < t.length; i++) {
      const a = Math.abs(t[i]!);
      if (a < threshold) m[i] = 0;
      else if (a === threshold && ties > 0) {
        m[i] = 0;
        ties--;
      }
    }
  });
  return masks;
}

function lowerBound(sorted: Float32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** L2 norm of each output channel of a kernel whose last axis is the output channels. */
export function channelNorms(kernel: Float32Array, channels: number): Float64Array {
  const sq = new Float64Array(channels);
  for (let i = 0; i < kernel.length; i++) sq[i % channels]! += kernel[i]! * kernel[i]!;
  return sq.map(Math.sqrt);
}

export interface ChannelLayer {
  /** L2 norm per output channel. */
  readonly norms: Float64Array;
  /** Kernel weights per output channel (fan-in). */
  readonly fanIn: number;
}

/**
 * Structured: 1 = keep, 0 = remove, per output channel of each layer. Channels are removed in
 * increasing order of L2 norm over all layers together until the removed kernel weights come
 * closest to `sparsity` of all of them; every layer keeps at least one channel.
 */
export function structuredKeep(layers: readonly ChannelLayer[], sparsity: number): Uint8Array[] {
  const keep = layers.map((l) => new Uint8Array(l.norms.length).fill(1));
  const total = layers.reduce((s, l) => s + l.norms.length * l.fanIn, 0);
  const target = sparsity * total;
  const order: { layer: number; channel: number; norm: number }[] = [];
  layers.forEach((l, layer) => l.norms.forEach((norm, channel) => order.push({ layer, channel, norm })));
  order.sort((a, b) => a.norm - b.norm || a.layer - b.layer || a.channel - b.channel);
  const left = layers.map((l) => l.norms.length);
  let removed = 0;
  for (const c of order) {
    const size = layers[c.layer]!.fanIn;
    if (removed + size / 2 > target) continue; // a smaller channel later may still fit
    if (left[c.layer]! <= 1) continue;
    keep[c.layer]![c.channel] = 0;
    left[c.layer]!--;
    removed += size;
  }
  return keep;
}
