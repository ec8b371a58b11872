import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/console/ttl-cache.ts';

describe('TtlCache', () => {
  it('reuses a value until it is ttl old, shares concurrent misses, and forgets failures', async () => {
    let t = 0;
    let calls = 0;
    const cache = new TtlCache<number>(1000, 2, () => t);
    const compute = async () => ++calls;
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect([a.value, b.value, calls]).toEqual([1, 1, 1]);
    t = 999;
    expect((await cache.get('k', compute)).value).toBe(1);
    t = 1000;
    expect(await cache.get('k', compute)).toEqual({ value: 2, at: 1000 });
    await expect(cache.get('bad', async () => { throw new Error('store down'); })).rejects.toThrow('store down');
    expect((await cache.get('bad', compute)).value).toBe(3);
    // At most two entries: the oldest goes.
    await cache.get('x', compute);
    expect((await cache.get('k', compute)).value).toBe(5);
  });
});
