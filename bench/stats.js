// Small statistics and formatting helpers shared by the sections.

/** Nanoseconds in a microsecond, millisecond. */
export const NS_PER_US = 1e3;
export const NS_PER_MS = 1e6;
/** Bytes in a KB and an MB: decimal units, as the targets are read (see BENCHMARKS.md). */
export const BYTES_PER_KB = 1000;
export const BYTES_PER_MB = 1000 * 1000;

/**
 * The median of a list of numbers.
 * @param {number[]} values Not empty.
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The least-squares line through `values` (at x = 0, 1, …), read at its two ends: last over
 * first. Less swayed by one noisy point than the two end points themselves.
 * @param {number[]} values At least two.
 */
export function fittedLastOverFirst(values) {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, y) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  const slope = num / den;
  const first = meanY - slope * meanX;
  return (first + slope * (n - 1)) / first;
}

/** Nanoseconds elapsed since `start` (from `process.hrtime.bigint()`), as a number. */
export function elapsedNs(start) {
  return Number(process.hrtime.bigint() - start);
}

/** `n` with `digits` decimals. */
export function fixed(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

/** A ratio as `1.23×`. */
export function ratio(n) {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : '—';
}

/** A count with thousands separators. */
export function grouped(n) {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '—';
}

/** Bytes with thousands separators. */
export const bytes = grouped;

/** Bytes in KB, one decimal. */
export function kb(n) {
  return `${(n / BYTES_PER_KB).toFixed(1)} KB`;
}

/** Bytes in MB, signed, two decimals. */
export function signedMb(n) {
  const text = (n / BYTES_PER_MB).toFixed(2);
  return n >= 0 ? `+${text} MB` : `${text} MB`;
}
