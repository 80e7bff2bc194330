// Pure: a Kubernetes quantity (a VolumeSnapshot's status.restoreSize) as a number of bytes.
// Grammar: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/

const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE]|m|[eE][+-]?\d+)?$/;

const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * Bytes, rounded up as Kubernetes rounds a quantity to an integer; null when `quantity` is not one,
 * is negative, or is too large to count exactly.
 * @example quantityBytes('1Gi') // 1073741824
 * @example quantityBytes('1.5k') // 1500
 */
export function quantityBytes(quantity: string): number | null {
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return null;
  const suffix = match[2] ?? '';
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIXES[suffix];
  if (multiplier === undefined) return null;
  const bytes = Math.ceil(Number(match[1]) * multiplier);
  return Number.isSafeInteger(bytes) ? bytes : null;
}
