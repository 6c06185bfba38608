/**
 * The exact distribution of the one-sample two-sided Kolmogorov–Smirnov statistic D_n, as scipy's
 * `kstwo.sf` computes it (Simard & L'Ecuyer's choice of algorithm per region: Ruben–Gambino closed forms,
 * the Durbin matrix, Pomeranz's recursion, the Pelz–Good expansion and twice the one-sided Smirnov tail).
 * `ks_2samp` uses it in its asymptotic mode with n = round(n1·n2/(n1+n2)), so the same regions must be
 * chosen the same way for the p-values to agree to the digit.
 */
import { logGamma } from './special.js';

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
const LOG_TWO_PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953,
  0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

const clip = (p: number): number => Math.min(1, Math.max(0, p));

function logFactorialOverPower(n: number): number {
  const inverse = 1 / n;
  let polynomial = 0;
  for (const coefficient of STIRLING) polynomial = polynomial * (inverse / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_TWO_PI / 2 + inverse * polynomial;
}

/** One-sided Smirnov tail P(D_n^+ >= d) by the Birnbaum–Tingey sum (scipy.special.smirnov). */
export function smirnovSurvival(n: number, d: number): number {
  if (!(d >= 0) || !(d <= 1)) return Number.NaN;
  if (d === 0) return 1;
  if (d === 1) return 0;
  if (n === 1) return 1 - d;
  const last = Math.floor(n * (1 - d));
  const logNFactorial = logGamma(n + 1);
  let sum = 0;
  let previous = -Infinity;
  for (let v = 0; v <= last; v++) {
    const left = d + v / n;
    const right = 1 - d - v / n;
    const logTerm =
      logNFactorial -
      logGamma(v + 1) -
      logGamma(n - v + 1) +
      (v - 1) * Math.log(left) +
      (n - v === 0 ? 0 : (n - v) * Math.log(right));
    const term = Math.exp(logTerm);
    sum += term;
    // The terms rise then fall; once falling and negligible, the rest cannot matter.
    if (logTerm < previous && term < sum * 1e-20) break;
    previous = logTerm;
  }
  return clip(sum * d);
}

function matrixMultiply(a: Float64Array, b: Float64Array, size: number): Float64Array<ArrayBufferLike> {
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    const row = i * size;
    for (let k = 0; k < size; k++) {
      const aik = a[row + k]!;
      if (aik === 0) continue;
      const bRow = k * size;
      for (let j = 0; j < size; j++) out[row + j]! += aik * b[bRow + j]!;
    }
  }
  return out;
}

/** P(D_n <= d) by Durbin's matrix method as Marsaglia, Tsang and Wang arrange it. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let matrix: Float64Array<ArrayBufferLike> = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1]! *= factorial;
  }
  const tail = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tail) * factorial;
  for (let i = 1; i < m; i++) {
    for (let row = i - 1; row < m; row++) matrix[row * m + i] = w[row - (i - 1)]!;
  }
  for (let row = 0; row < m; row++) matrix[row * m] = v[row]!;
  for (let column = 0; column < m; column++) matrix[(m - 1) * m + column] = v[m - 1 - column]!;
  let power: Float64Array<ArrayBufferLike> = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let remaining = n;
  let exponent = 0;
  let matrixExponent = 0;
  while (remaining > 0) {
    if (remaining % 2) {
      power = matrixMultiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = matrixMultiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
      for (let index = 0; index < matrix.length; index++) matrix[index]! /= SCALE_UP;
      matrixExponent += SCALE_EXPONENT;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  if (exponent !== 0) p *= 2 ** exponent;
  return clip(p);
}

function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n <= x) by Pomeranz's recursion. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const powers = 2 * (ll + 1);
  const gPower = new Float64Array(powers);
  const twoGPower = new Float64Array(powers);
  const oneMinusTwoGPower = new Float64Array(powers);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < powers; m++) {
    gPower[m] = (gPower[m - 1]! * gOverN) / m;
    twoGPower[m] = (twoGPower[m - 1]! * twoGOverN) / m;
    oneMinusTwoGPower[m] = (oneMinusTwoGPower[m - 1]! * oneMinusTwoGOverN) / m;
  }
  let v0 = new Float64Array(powers);
  let v1 = new Float64Array(powers);
  v1[0] = 1;
  let v0Start = 0;
  let v1Start = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilF, roundF);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0Start, v1Start] = [v1Start, v0Start];
    v1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    const weights = i === 1 || i === 2 * n + 1 ? gPower : i % 2 ? twoGPower : oneMinusTwoGPower;
    const length = j2 - k1 + 1;
    if (length > 0) {
      const start = j1 - k1;
      const count = j2 - j1 + 1;
      const offset = k1 - v0Start;
      // Entries start..start+count-1 of the full convolution of v0[offset..offset+length) with weights[0..length).
      let maximum = 0;
      for (let out = 0; out < count; out++) {
        const position = start + out;
        let sum = 0;
        const from = Math.max(0, position - length + 1);
        for (let a = from; a <= Math.min(position, length - 1); a++) sum += v0[offset + a]! * weights[position - a]!;
        v1[out] = sum;
        if (sum > maximum) maximum = sum;
      }
      if (maximum > 0 && maximum < SCALE_DOWN) {
        for (let index = 0; index < v1.length; index++) v1[index]! *= SCALE_UP;
        exponent -= SCALE_EXPONENT;
      }
      v1Start = v0Start + j1 - k1;
    }
  }
  let answer = v1[n - v1Start]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  if (exponent !== 0) answer *= 2 ** exponent;
  return clip(answer);
}

/** P(D_n <= x) by the Pelz–Good asymptotic expansion. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const zSquared = z ** 2;
  const zThree = z ** 3;
  const zFour = z ** 4;
  const zSix = z ** 6;
  const qLog = -PI_SQUARED / 8 / zSquared;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);
  const k1a = -zSquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zSix + 2 * zFour;
  const k2b = ((2 * zFour - 5 * zSquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zSquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zSquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zSquared + 212 * zFour)) / 16;
  const k3b = (PI_SQUARED * (135 * zFour - 96 * zSix)) / 4;
  const k3a = -30 * zSix - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1;
    const mSquared = m ** 2;
    const mFour = m ** 4;
    const mSix = m ** 6;
    const qPower = q ** (8 * k);
    const coefficients = [
      1,
      k1a + k1b * mSquared,
      k2a + k2b * mSquared + k2c * mFour,
      k3a + k3b * mSquared + k3c * mFour + k3d * mSix,
    ];
    for (let index = 0; index < 4; index++) terms[index] = terms[index]! * qPower + coefficients[index]!;
  }
  const divisors = [z, 6 * zFour, 72 * z ** 7, 6480 * z ** 10];
  for (let index = 0; index < 4; index++) terms[index] = (terms[index]! * q * SQRT_TWO_PI) / divisors[index]!;
  q = Math.exp(-PI_SQUARED / 2 / zSquared);
  const sqrt3z = Math.sqrt(3) * z;
  let k2Extra = 0;
  let k3Extra = 0;
  for (let k = maxK; k > 0; k--) {
    const kSquared = k ** 2;
    const qPower = q ** kSquared;
    const kPi = Math.PI * k;
    k2Extra += kSquared * qPower;
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPower;
  }
  terms[2]! += (k2Extra * PI_SQUARED * SQRT_TWO_PI) / (-36 * zThree);
  terms[3]! += (k3Extra * PI_SQUARED * SQRT_TWO_PI) / (216 * zSix);
  let sum = 0;
  for (let index = 0; index < 4; index++) sum += terms[index]! / n ** (index / 2);
  return sum;
}

/** P(D_n > x) for the two-sided one-sample statistic (scipy's kstwo.sf). */
export function kolmogorovSurvival(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let probability: number;
    if (n <= 140) {
      probability = 1;
      for (let i = 1; i <= n; i++) probability *= i * (1 / n) * (2 * t - 1);
    } else probability = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - probability);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip(1 - durbinMatrixCdf(n, x));
    if (nxSquared <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSurvival(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
