/** @module Float32 threshold conversions: other tools compare in ways that must become winnow's `float32(x) <= t`. */

const f32 = Math.fround;

/** Next float32 below a float32 `t` (t finite). */
function nextBelow(t: number): number {
  const buf = new Float32Array([t]);
  if (t === 0) return -1.401298464324817e-45;
  const bits = new Int32Array(buf.buffer);
  bits[0] += t > 0 ? -1 : 1;
  return buf[0];
}

/** Largest float32 `u` with u <= t: for float32 x, `x <= t` (compared in double) ⇔ `x <= u`. */
export function float32AtMost(t: number): number {
  const r = f32(t);
  return r > t ? nextBelow(r) : r;
}

/** Largest float32 `u` with u < t: for float32 x, `x < t` ⇔ `x <= u` (XGBoost's float32 `<`). */
export function float32Below(t: number): number {
  const r = f32(t);
  return r >= t ? nextBelow(r) : r;
}
