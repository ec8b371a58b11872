/** @module Row partition: each leaf owns a contiguous segment of the row-index array. */

/**
 * Stable in-place partition of `rowIndex[begin..end)` by a split; returns the first index of the
 * right child. Stability keeps row ids ascending, so histogram builds read bins in memory order.
 */
export function partitionRows(
  rowIndex: Uint32Array,
  begin: number,
  end: number,
  bins: Uint8Array,
  stride: number,
  feature: number,
  bin: number,
  missingLeft: boolean,
  scratch: Uint32Array,
): number {
  let l = begin;
  let r = 0;
  for (let i = begin; i < end; i++) {
    const row = rowIndex[i];
    const b = bins[row * stride + feature];
    if (b === 0 ? missingLeft : b <= bin) rowIndex[l++] = row;
    else scratch[r++] = row;
  }
  rowIndex.set(scratch.subarray(0, r), l);
  return l;
}
