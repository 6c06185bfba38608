/**
 * Sorting Float64Arrays fast, because sorting is most of a drift test's time (KS, Wasserstein and Anderson–Darling
 * all walk sorted samples). Large arrays are first spread over count/4 buckets by value (one counting pass, one
 * scatter pass, then a few values per bucket put in order by insertion): measured columns are spread out enough for
 * that to beat any comparison sort. A bucket that still holds many values is sorted the same way on its own range,
 * and what does not spread (infinities, extreme skew several levels deep) falls back to an LSD radix sort (four
 * 16-bit digits of an order-preserving 64-bit key). Small arrays use the built-in sort.
 */

const RADIX_MIN = 4096;
/** Buckets at most this full are put in order by insertion; fuller ones are sorted again on their own range. */
const INSERTION_MAX = 48;
/** Levels of bucket spreading before the radix sort takes over (skew that survives this is adversarial). */
const DEPTH_MAX = 4;

/** Sorts values (no NaN) ascending, in place; returns the same array. -0 sorts before +0, as the built-in sort does. */
export function sortFloat64(values: Float64Array): Float64Array {
  return bucketSort(values, 0);
}

function bucketSort(values: Float64Array, depth: number): Float64Array {
  const count = values.length;
  if (count < RADIX_MIN) return values.sort();
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let index = 0; index < count; index++) {
    const value = values[index]!;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  // All equal: already in order, unless zeros of both signs are mixed.
  if (minimum === maximum) return minimum === 0 ? values.sort() : values;
  const buckets = count >>> 2;
  const scale = buckets / (maximum - minimum);
  if (depth >= DEPTH_MAX || !Number.isFinite(minimum) || !Number.isFinite(maximum) || !(scale > 0 && scale < Infinity))
    return radixSortFloat64(values);
  const top = buckets - 1;
  const starts = new Int32Array(buckets + 1);
  for (let index = 0; index < count; index++) {
    const bucket = ((values[index]! - minimum) * scale) | 0;
    starts[(bucket > top ? top : bucket) + 1]!++;
  }
  for (let bucket = 0; bucket < buckets; bucket++) starts[bucket + 1]! += starts[bucket]!;
  const cursor = starts.slice(0, buckets);
  const spread = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const value = values[index]!;
    const bucket = ((value - minimum) * scale) | 0;
    spread[cursor[bucket > top ? top : bucket]!++] = value;
  }
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = starts[bucket]!;
    const end = starts[bucket + 1]!;
    if (end - start > INSERTION_MAX) {
      const part = values.subarray(start, end);
      part.set(spread.subarray(start, end));
      bucketSort(part, depth + 1);
      continue;
    }
    for (let index = start; index < end; index++) {
      const value = spread[index]!;
      let at = index - 1;
      for (; at >= start; at--) {
        const before = values[at]!;
        if (before > value || (before === value && value === 0 && 1 / value < 1 / before)) values[at + 1] = before;
        else break;
      }
      values[at + 1] = value;
    }
  }
  return values;
}

/** The LSD radix sort alone (the fallback of {@link sortFloat64}); -0 sorts before +0. */
export function radixSortFloat64(values: Float64Array): Float64Array {
  const count = values.length;
  if (count < RADIX_MIN) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, count * 2);
  // Order-preserving key: flip every bit of negatives, only the sign bit of positives (little-endian: [lo, hi]).
  for (let index = 0; index < count; index++) {
    const high = words[2 * index + 1]!;
    if (high & 0x80000000) {
      words[2 * index + 1] = ~high >>> 0;
      words[2 * index] = ~words[2 * index]! >>> 0;
    } else words[2 * index + 1] = (high | 0x80000000) >>> 0;
  }
  const histograms = new Uint32Array(4 * 65536);
  for (let index = 0; index < count; index++) {
    const low = words[2 * index]!;
    const high = words[2 * index + 1]!;
    histograms[low & 0xffff]!++;
    histograms[65536 + (low >>> 16)]!++;
    histograms[131072 + (high & 0xffff)]!++;
    histograms[196608 + (high >>> 16)]!++;
  }
  let source: Uint32Array<ArrayBufferLike> = words;
  let target: Uint32Array<ArrayBufferLike> = new Uint32Array(count * 2);
  for (let digit = 0; digit < 4; digit++) {
    const base = digit * 65536;
    // A digit where every value falls in one bucket changes nothing: skip its pass.
    let skip = false;
    for (let bucket = 0; bucket < 65536; bucket++) {
      const size = histograms[base + bucket]!;
      if (size === count) skip = true;
      if (size !== 0) break;
    }
    if (skip) continue;
    let offset = 0;
    for (let bucket = 0; bucket < 65536; bucket++) {
      const size = histograms[base + bucket]!;
      histograms[base + bucket] = offset;
      offset += size;
    }
    const word = digit >>> 1;
    const shift = (digit & 1) * 16;
    for (let index = 0; index < count; index++) {
      const low = source[2 * index]!;
      const high = source[2 * index + 1]!;
      const key = ((word === 0 ? low : high) >>> shift) & 0xffff;
      const at = histograms[base + key]!++;
      target[2 * at] = low;
      target[2 * at + 1] = high;
    }
    const swap = source;
    source = target;
    target = swap;
  }
  for (let index = 0; index < count; index++) {
    const high = source[2 * index + 1]!;
    if (high & 0x80000000) words[2 * index + 1] = (high & 0x7fffffff) >>> 0;
    else {
      words[2 * index + 1] = ~high >>> 0;
      words[2 * index] = ~source[2 * index]! >>> 0;
      continue;
    }
    words[2 * index] = source[2 * index]!;
  }
  return values;
}
