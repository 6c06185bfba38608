/** The small Markdown reader behind the in-app guides: blocks and inline code, never HTML. */
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('parseMarkdown', () => {
  it('splits headings, paragraphs, fenced code, lists and tables', () => {
    const source = [
      '# Title',
      '',
      'First line',
      'goes on.',
      '',
      '```sh',
      'export A=1',
      '# not a heading',
      '```',
      '',
      '- one',
      '  wrapped',
      '- two',
      '',
      '| Area | Endpoints |',
      '| --- | --- |',
      '| Runs | `runs/create` |',
    ].join('\n');
    expect(parseMarkdown(source)).toEqual([
      { kind: 'heading', level: 1, text: 'Title' },
      { kind: 'paragraph', text: 'First line goes on.' },
      { kind: 'code', language: 'sh', text: 'export A=1\n# not a heading' },
      { kind: 'list', items: ['one wrapped', 'two'] },
      { kind: 'table', header: ['Area', 'Endpoints'], rows: [['Runs', '`runs/create`']] },
    ]);
  });

  it('keeps markup as text', () => {
    expect(parseMarkdown('<script>alert(1)</script>')).toEqual([
      { kind: 'paragraph', text: '<script>alert(1)</script>' },
    ]);
  });
});

describe('parseInline', () => {
  it('separates code spans and flattens links and bold', () => {
    expect(parseInline('Set `MLFLOW_TRACKING_URI`, see [the guide](docs/x.md) **now**')).toEqual([
      { kind: 'text', text: 'Set ' },
      { kind: 'code', text: 'MLFLOW_TRACKING_URI' },
      { kind: 'text', text: ', see the guide (docs/x.md) now' },
    ]);
  });
});
