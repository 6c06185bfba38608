import { describe, expect, it } from 'vitest';
import { runCountText, suggestFilter } from './filter-hint';

const keys = { metrics: ['loss', 'val loss'], params: ['lr'], tags: ['team'] };

describe('suggestFilter', () => {
  it('prefixes a bare metric name with metrics.', () => {
    const message = 'Unknown attribute "loss" (one of run_id, status) (at character 1 of the filter)';
    expect(suggestFilter('loss < 0.5', message, keys)).toBe('metrics.loss < 0.5');
  });
  it('finds the name at the reported position and picks params. or tags.', () => {
    const message = 'Unknown attribute "lr" (one of run_id) (at character 24 of the filter)';
    expect(suggestFilter("metrics.loss < 0.5 and lr = '0.1'", message, keys)).toBe(
      "metrics.loss < 0.5 and params.lr = '0.1'",
    );
    expect(suggestFilter("team = 'a'", 'Unknown attribute "team" (at character 1 of the filter)', keys)).toBe(
      "tags.team = 'a'",
    );
  });
  it('quotes a key that is not a plain identifier', () => {
    const message = 'Unknown attribute "val loss" (at character 1 of the filter)';
    expect(suggestFilter('`val loss` < 1', message, keys)).toBeNull();
    expect(suggestFilter('val loss < 1', message, keys)).toBe('metrics."val loss" < 1');
  });
  it('says nothing for unknown names and other errors', () => {
    expect(suggestFilter('acc > 1', 'Unknown attribute "acc" (at character 1 of the filter)', keys)).toBeNull();
    expect(
      suggestFilter('metrics.loss <', 'Expected a value after < (at character 15 of the filter)', keys),
    ).toBeNull();
  });
});

describe('runCountText', () => {
  it('agrees with the number', () => {
    expect(runCountText(1, true)).toBe('1 run matches the filter');
    expect(runCountText(2, true)).toBe('2 runs match the filter');
    expect(runCountText(0, true)).toBe('0 runs match the filter');
    expect(runCountText(1, false)).toBe('1 run');
  });
});
