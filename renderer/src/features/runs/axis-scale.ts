/**
 * Which scale a numeric param's axis gets: learning rates, regularisation strengths and the like are swept
 * over orders of magnitude (0.0001, 0.001, 0.01), and on a linear axis all but the largest sit on top of
 * each other. A log axis is used when every value is positive and they span at least a factor of 10, or
 * when the name says it is such a param.
 */

const logScaleNames = /(^|[._-])(lr|learning[._-]?rate|weight[._-]?decay|alpha|lambda|l1|l2|eps|epsilon|gamma|c)$/i;

/** 'log' or 'value' for an axis over `values` of the param `name`. */
export function axisScale(name: string, values: number[]): 'log' | 'value' {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2 || finite.some((v) => v <= 0)) return 'value';
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  if (high === low) return 'value';
  return high / low >= 10 || logScaleNames.test(name) ? 'log' : 'value';
}
