/**
 * Special functions the drift tests need for their p-values: log-gamma, the regularized incomplete gamma
 * functions (chi-square survival), erfc (normal survival) and scipy's binomial coefficient. Written here
 * rather than taken from a package because the p-values must equal scipy's to 1e-9 relative, deep into
 * the tails (a p-value of 1e-50 must still be right to nine digits), which rules out the usual
 * 1 - cdf shortcuts.
 */

// Lanczos approximation (g = 607/128, 15 terms), relative error below 1e-15 on the positive axis.
const LANCZOS_G = 607 / 128;
const LANCZOS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125,
  -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275,
  -0.000026190838401581408, 0.0000036899182659531625,
];
const HALF_LOG_TWO_PI = 0.9189385332046728;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  if (x >= 15) {
    // Stirling series: more accurate than Lanczos where ln Γ is large.
    const inverse = 1 / x;
    const inverseSquared = inverse * inverse;
    const series =
      inverse *
      (1 / 12 -
        inverseSquared *
          (1 / 360 -
            inverseSquared *
              (1 / 1260 -
                inverseSquared * (1 / 1680 - inverseSquared * (1 / 1188 - inverseSquared * (691 / 360360))))));
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
  }
  const shifted = x - 1;
  let sum = LANCZOS[0]!;
  for (let index = 1; index < LANCZOS.length; index++) sum += LANCZOS[index]! / (shifted + index);
  const t = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1.1102230246251565e-16;
const BIG = 4503599627370496.0;
const BIG_INVERSE = 2.220446049250313e-16;

// The common prefactor x^a e^-x / Γ(a), in logs to survive large a and x.
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

// Power series for P(a, x); converges fast for x < a + 1.
function lowerSeries(a: number, x: number): number {
  const prefactor = gammaPrefactor(a, x);
  if (prefactor === 0) return 0;
  let r = a;
  let c = 1;
  let sum = 1;
  do {
    r += 1;
    c *= x / r;
    sum += c;
  } while (c / sum > EPSILON);
  return (sum * prefactor) / a;
}

// Continued fraction for Q(a, x) (Cephes' igamc scheme); converges fast for x > a + 1.
function upperFraction(a: number, x: number): number {
  const prefactor = gammaPrefactor(a, x);
  if (prefactor === 0) return 0;
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  let t: number;
  do {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    } else t = 1;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIG_INVERSE;
      pkm1 *= BIG_INVERSE;
      qkm2 *= BIG_INVERSE;
      qkm1 *= BIG_INVERSE;
    }
  } while (t > EPSILON);
  return ans * prefactor;
}

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x > 1 && x > a) return 1 - upperFraction(a, x);
  return lowerSeries(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in relative terms when small. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < 1 || x < a) return 1 - lowerSeries(a, x);
  return upperFraction(a, x);
}

/** Survival function of the chi-square distribution with `degrees` degrees of freedom (scipy's chi2.sf). */
export function chiSquareSurvival(x: number, degrees: number): number {
  if (Number.isNaN(x) || !(degrees > 0)) return Number.NaN;
  if (x === Infinity) return 0;
  return gammaQ(degrees / 2, x / 2);
}

/** Complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // erf by its Taylor series: no cancellation near 0, and erfc = 1 - erf is safe since erf < 0.53.
    const square = x * x;
    let term = x;
    let sum = x;
    for (let k = 1; k < 60; k++) {
      term *= -square / k;
      const next = term / (2 * k + 1);
      sum += next;
      if (Math.abs(next) < EPSILON * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27.3) return 0;
  return gammaQ(0.5, x * x);
}

/** Survival function of the standard normal distribution (scipy's norm.sf). */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Binomial coefficient as a float, following scipy.special.binom (product form below 20, gamma ratios above). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let kx = Math.floor(k);
  if (kx > n / 2 && n > 0) kx = n - kx;
  if (kx < 20) {
    let numerator = 1;
    let denominator = 1;
    for (let index = 1; index <= kx; index++) {
      numerator *= index + n - kx;
      denominator *= index;
      if (Math.abs(numerator) > 1e50) {
        numerator /= denominator;
        denominator = 1;
      }
    }
    return numerator / denominator;
  }
  return Math.exp(logGamma(n + 1) - logGamma(kx + 1) - logGamma(n - kx + 1));
}
