import { describe, expect, it } from 'vitest';
import { defaultScoresPath } from './scores-path';

describe('defaultScoresPath', () => {
  it("names the file after the model and data versions, in Lathe's home", () => {
    expect(defaultScoresPath('/home/me/.lathe', 'churn@2', 'customers@3', 'csv')).toBe(
      '/home/me/.lathe/churn-v2-scores-customers-v3.csv',
    );
    expect(defaultScoresPath('/srv/lathe/', 'churn@2', 'customers@3', 'parquet')).toBe(
      '/srv/lathe/churn-v2-scores-customers-v3.parquet',
    );
  });

  it('keeps the name one safe file name whatever the refs hold, with Windows separators on Windows', () => {
    expect(defaultScoresPath('C:\\Users\\me\\Lathe', 'my model@1', 'a/b@2', 'csv')).toBe(
      'C:\\Users\\me\\Lathe\\my_model-v1-scores-a_b-v2.csv',
    );
  });
});
