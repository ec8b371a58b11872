/** @module Float32 threshold conversions: other tools compare in ways that must become winnow's `float32(x) <= t`. */

const f32 = Math.fround;

/**
 * The float32 just below a float32 `t`, stepping through subnormals; 0 and -0 both step to
 * -2^-149, so -0 stays on the "not below 0" side as IEEE says. +Infinity steps to the largest
 * finite float32. For -Infinity no float32 `u` has `x <= u` ⇔ `x < -Infinity`; callers refuse it.
 */
export function nextFloat32Below(t: number): number {
  if (t === 0) return -1.401298464324817e-45;
  const buf = new Float32Array([t]);
  const bits = new Int32Array(buf.buffer);
  bits[0] += t > 0 ? -1 : 1;
  return buf[0];
}

/** Largest float32 `u` with u <= t (t a double): for float32 x, `x <= t` (compared in double) ⇔ `x <= u`. */
export function float32AtMost(t: number): number {
  const r = f32(t);
  return r > t ? nextFloat32Below(r) : r;
}

/**
 * Threshold for a tool that stores its condition as float32 `c = float32(t)` and tests
 * `float32(x) < c` (XGBoost): for float32 x, `x < c` ⇔ `x <= nextFloat32Below(c)`. The double `t`
 * read from a file must NOT be compared with directly: XGBoost's JSON spells a float32 by its
 * shortest decimal (e.g. 12.37), which as a double lies above or below the float32 it names, and
 * a value equal to the condition would then go left in about half of such splits.
 */
export function float32Below(t: number): number {
  const c = f32(t);
  if (c === -Infinity || Number.isNaN(c)) throw new RangeError(`no float32 threshold u has x <= u exactly when x < ${t}`);
  return nextFloat32Below(c);
}
