import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import { likeToGlob, parseFilter, parseOrderBy } from './search-filter.js';
import { lttbIndices } from './lttb.js';
import { checkArtifactPath, decodeUrlArtifactPath } from './artifact-path.js';

function errorOf(work: () => unknown): LatheError {
  try {
    work();
  } catch (error) {
    if (error instanceof LatheError) return error;
    throw error;
  }
  throw new Error('expected a LatheError');
}

describe('parseFilter', () => {
  it('parses the issue example', () => {
    expect(
      parseFilter(
        "metrics.acc > 0.9 and params.lr = '0.01' and tags.team LIKE 'a%' and attributes.status = 'FINISHED'",
      ),
    ).toEqual([
      { entity: 'metric', key: 'acc', comparator: '>', value: 0.9 },
      { entity: 'param', key: 'lr', comparator: '=', value: '0.01' },
      { entity: 'tag', key: 'team', comparator: 'LIKE', value: 'a%' },
      { entity: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
    ]);
  });

  it('accepts quoted keys, double-quoted values, IN lists, IS NULL and negative or exponent numbers', () => {
    expect(parseFilter('metrics.`val loss` <= -1e-3 AND params."batch size" != "32"')).toEqual([
      { entity: 'metric', key: 'val loss', comparator: '<=', value: -0.001 },
      { entity: 'param', key: 'batch size', comparator: '!=', value: '32' },
    ]);
    expect(parseFilter("attributes.run_id IN ('a', 'b') and tags.x IS NOT NULL and tags.y is null")).toEqual([
      { entity: 'attribute', key: 'run_id', comparator: 'IN', value: ['a', 'b'] },
      { entity: 'tag', key: 'x', comparator: 'IS NOT NULL' },
      { entity: 'tag', key: 'y', comparator: 'IS NULL' },
    ]);
    expect(parseFilter('metrics.loss/epoch > 1')[0]!.key).toBe('loss/epoch');
    expect(parseFilter('')).toEqual([]);
  });

  it('names the position of a mistake', () => {
    expect(errorOf(() => parseFilter('metrics.acc >')).message).toBe(
      'Expected a value after > (at character 14 of the filter)',
    );
    expect(errorOf(() => parseFilter("params.lr = '0.01' or params.lr = '1'")).message).toMatch(
      /OR is not supported .* \(at character 20 of/,
    );
    expect(errorOf(() => parseFilter('metric.acc > 0.9 param.x')).message).toMatch(/Expected AND between clauses/);
    expect(errorOf(() => parseFilter('foo.acc > 1')).message).toMatch(/Unknown entity "foo"/);
    expect(errorOf(() => parseFilter("attributes.colour = 'x'")).message).toMatch(/Unknown attribute "colour"/);
    expect(errorOf(() => parseFilter('attributes.constructor = 1')).message).toMatch(/Unknown attribute/);
    expect(errorOf(() => parseFilter("metrics.acc LIKE '1%'")).message).toMatch(/LIKE does not apply/);
    expect(errorOf(() => parseFilter('params.lr > 1')).message).toMatch(/compares numbers/);
    expect(errorOf(() => parseFilter("params.lr = 'x")).message).toMatch(/Unclosed ' quote/);
    expect(errorOf(() => parseFilter('params.lr = 0.1')).message).toMatch(/Quote the value/);
  });

  it('parses order_by and converts LIKE to a case-sensitive GLOB', () => {
    expect(parseOrderBy('metrics.acc DESC')).toEqual({ entity: 'metric', key: 'acc', descending: true });
    expect(parseOrderBy('attributes.start_time')).toEqual({
      entity: 'attribute',
      key: 'start_time',
      descending: false,
    });
    expect(() => parseOrderBy('metrics.acc sideways')).toThrow(LatheError);
    expect(likeToGlob('a%_[*?]')).toBe('a*?[[][*][?][]]');
  });
});

describe('lttbIndices', () => {
  it('keeps the ends and the spike, and never more than asked', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => (i === 4321 ? 100 : Math.sin(i / 50)));
    const kept = lttbIndices(xs, ys, 100);
    expect(kept).toHaveLength(100);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(n - 1);
    expect(kept).toContain(4321);
    expect(lttbIndices(xs.subarray(0, 5), ys.subarray(0, 5), 100)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('artifact paths', () => {
  it('accepts plain relative paths and refuses every escape', () => {
    expect(checkArtifactPath('model/weights v2.bin')).toBe('model/weights v2.bin');
    for (const bad of [
      '..',
      '../x',
      'a/./b',
      '/abs',
      '\\\\server\\share',
      'a\\b',
      '%2e%2e',
      'x%252e',
      'a#b',
      'a;b',
      'a?b',
      'file:x',
      'C:x',
      'a//b',
      '~/x',
      'a\u0000b',
      'x'.repeat(1025),
    ]) {
      expect(() => checkArtifactPath(bad), JSON.stringify(bad)).toThrow(LatheError);
    }
    expect(decodeUrlArtifactPath('a/b%20c')).toBe('a/b c');
    expect(decodeUrlArtifactPath('%252e%252e')).toBe('%2e%2e'); // decoded once, then refused by checkArtifactPath
    expect(() => decodeUrlArtifactPath('a%2fb')).toThrow(/encoded "\/"/);
    expect(() => decodeUrlArtifactPath('%E0%A4%A')).toThrow(/malformed/);
  });
});
