/**
 * What the runs filter box says around the parser's error: a "did you mean metrics.loss" fix when a bare
 * name is a metric, param or tag key of the experiment (MLflow wants the entity prefix), and the run count
 * in words that agree with the number.
 */

/** The keys in use in one experiment, as `runs.keys` gives them. */
export interface FilterKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

/** A corrected filter for an "Unknown attribute" error whose name is a known key; null when there is none. */
export function suggestFilter(filter: string, message: string, keys: FilterKeys): string | null {
  const match = /Unknown attribute "([^"]+)"/.exec(message);
  if (!match) return null;
  const name = match[1]!;
  const entity = keys.metrics.includes(name)
    ? 'metrics'
    : keys.params.includes(name)
      ? 'params'
      : keys.tags.includes(name)
        ? 'tags'
        : null;
  if (!entity) return null;
  const position = /at character (\d+)/.exec(message);
  const at = position ? Number(position[1]) - 1 : filter.indexOf(name);
  if (at < 0 || filter.slice(at, at + name.length) !== name) return null;
  const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name}"`;
  return `${filter.slice(0, at)}${entity}.${key}${filter.slice(at + name.length)}`;
}

/** "1 run", "2 runs"; with a filter "1 run matches the filter", "2 runs match the filter". */
export function runCountText(total: number, filtered: boolean): string {
  const runs = `${total.toLocaleString()} run${total === 1 ? '' : 's'}`;
  if (!filtered) return runs;
  return `${runs} ${total === 1 ? 'matches' : 'match'} the filter`;
}
