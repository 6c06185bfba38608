import { describe, expect, it } from 'vitest';
import { indent, lineCount, lineOfOffset, offsetOfLine, problemsByLine, rangeOfLine } from './editor-lines';

const text = 'name: nightly\nsteps:\n  - id: load\n    type: ingest\n';

describe('the editor line arithmetic', () => {
  it('counts lines as an editor shows them', () => {
    expect(lineCount('')).toBe(1);
    expect(lineCount('a')).toBe(1);
    expect(lineCount('a\n')).toBe(2);
    expect(lineCount(text)).toBe(5);
  });

  it('finds where a line starts and which line an offset is on, both ways', () => {
    expect(offsetOfLine(text, 1)).toBe(0);
    expect(offsetOfLine(text, 2)).toBe('name: nightly\n'.length);
    expect(text.slice(offsetOfLine(text, 3)).startsWith('  - id: load')).toBe(true);
    expect(offsetOfLine(text, 99)).toBe(text.length);
    for (let line = 1; line <= lineCount(text); line++) expect(lineOfOffset(text, offsetOfLine(text, line))).toBe(line);
    expect(lineOfOffset(text, text.indexOf('type'))).toBe(4);
  });

  it('selects a whole line without its newline', () => {
    const range = rangeOfLine(text, 4);
    expect(text.slice(range.start, range.end)).toBe('    type: ingest');
    const last = rangeOfLine('a\nb', 2);
    expect('a\nb'.slice(last.start, last.end)).toBe('b');
  });

  it('groups problems by line and leaves out those without one', () => {
    const grouped = problemsByLine([
      { line: 3, field: 'steps.load', message: 'a' },
      { line: null, field: null, message: 'b' },
      { line: 3, field: 'steps.load.type', message: 'c' },
      { line: 1, field: 'name', message: 'd' },
    ]);
    expect([...grouped.keys()].sort()).toEqual([1, 3]);
    expect(grouped.get(3)!.map((p) => p.message)).toEqual(['a', 'c']);
  });
});

describe('indenting with Tab', () => {
  it('inserts two spaces at the caret', () => {
    expect(indent('ab', 1, 1, false)).toEqual({ text: 'a  b', start: 3, end: 3 });
  });

  it('indents and outdents every selected line, keeping the selection on them', () => {
    const source = 'a:\nb: 1\nc: 2\nd: 3';
    const start = source.indexOf('b');
    const end = source.indexOf('c: 2') + 4;
    const indented = indent(source, start, end, false);
    expect(indented.text).toBe('a:\n  b: 1\n  c: 2\nd: 3');
    expect(indented.text.slice(indented.start, indented.end)).toBe('b: 1\n  c: 2');
    const back = indent(indented.text, indented.start, indented.end, true);
    expect(back.text).toBe(source);
    expect(back.text.slice(back.start, back.end)).toBe('b: 1\nc: 2');
  });

  it('does not touch the line after a selection that ends on a newline', () => {
    const source = 'a\nb\n';
    expect(indent(source, 0, 2, false).text).toBe('  a\nb\n');
  });

  it('outdents a line with one space or none without eating text', () => {
    expect(indent(' a\nb', 0, 4, true).text).toBe('a\nb');
  });
});
