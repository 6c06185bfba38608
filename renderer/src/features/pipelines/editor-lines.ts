/**
 * Pure text arithmetic behind the YAML editor: which line a caret is on, where a line starts, and the
 * problems grouped by line for the gutter. Kept free of React so the editor's jumps and markers are
 * unit-tested directly (a one-off error here puts the red mark on the wrong line).
 */

/** One problem the check found, as the editor shows it: a 1-based line (or none) and a message. */
export interface EditorProblem {
  line: number | null;
  /** The field's path (`steps.train.inputs.data`), when the check names one. */
  field: string | null;
  message: string;
}

/** How many lines the text has (an empty text is one empty line, as an editor shows it). */
export function lineCount(text: string): number {
  let count = 1;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) count++;
  return count;
}

/** The character offset where 1-based `line` starts; past the end, the text's length. */
export function offsetOfLine(text: string, line: number): number {
  if (line <= 1) return 0;
  let seen = 1;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      seen++;
      if (seen === line) return index + 1;
    }
  }
  return text.length;
}

/** The 1-based line holding character `offset`. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index++) if (text.charCodeAt(index) === 10) line++;
  return line;
}

/** The character range of 1-based `line` without its newline, for selecting it. */
export function rangeOfLine(text: string, line: number): { start: number; end: number } {
  const start = offsetOfLine(text, line);
  const newline = text.indexOf('\n', start);
  return { start, end: newline === -1 ? text.length : newline };
}

/** Problems grouped by their line (problems without a line are left out: they have no gutter mark). */
export function problemsByLine(problems: readonly EditorProblem[]): Map<number, EditorProblem[]> {
  const byLine = new Map<number, EditorProblem[]>();
  for (const problem of problems) {
    if (problem.line === null) continue;
    const list = byLine.get(problem.line);
    if (list) list.push(problem);
    else byLine.set(problem.line, [problem]);
  }
  return byLine;
}

/**
 * What Tab does in the editor: two spaces at the caret (YAML forbids tab characters for indentation),
 * or, with lines selected, two spaces before each of them; Shift+Tab takes up to two away.
 * Returns the new text and selection.
 */
export function indent(
  text: string,
  start: number,
  end: number,
  outdent: boolean,
): { text: string; start: number; end: number } {
  if (start === end && !outdent)
    return { text: `${text.slice(0, start)}  ${text.slice(end)}`, start: start + 2, end: start + 2 };
  const first = offsetOfLine(text, lineOfOffset(text, start));
  // A selection ending right after a newline does not include the next line.
  const lastEnd = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const block = text.slice(first, lastEnd);
  const lines = block.split('\n');
  let removedFirst = 0;
  const changed = lines.map((line, index) => {
    if (!outdent) return `  ${line}`;
    const remove = line.startsWith('  ') ? 2 : line.startsWith(' ') ? 1 : 0;
    if (index === 0) removedFirst = remove;
    return line.slice(remove);
  });
  const replaced = changed.join('\n');
  const delta = replaced.length - block.length;
  const next = text.slice(0, first) + replaced + text.slice(lastEnd);
  const newStart = outdent ? Math.max(first, start - removedFirst) : start + 2;
  return { text: next, start: newStart, end: Math.max(newStart, end + delta) };
}
