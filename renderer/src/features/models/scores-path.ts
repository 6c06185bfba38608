/**
 * The file a scoring from the page writes. In the web shell a browser user cannot type or open a path on the
 * server, so the scores go to Lathe's home under a name made from the model and data versions, and reach the
 * user as a download.
 */

/** Where scores go by default: Lathe's home, named after the model version and the data (`churn-v2-scores-sales-v3.csv`). */
export function defaultScoresPath(home: string, model: string, data: string, format: 'csv' | 'parquet'): string {
  const separator = home.includes('\\') && !home.includes('/') ? '\\' : '/';
  const name = `${model}-scores-${data}`.replace(/@/g, '-v').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${home.replace(/[\\/]+$/, '')}${separator}${name}.${format}`;
}
