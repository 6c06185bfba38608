/**
 * Just enough Markdown to read the repository's guides (docs/*.md) inside the app without a new dependency
 * and without injecting HTML: the text is split into blocks (headings, fenced code, tables, lists,
 * paragraphs) and inline code spans, which React renders as elements, so nothing in the file is markup.
 */

/** One block of a Markdown document. */
export type MarkdownBlock =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'code'; language: string; text: string }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'list'; items: string[] }
  | { kind: 'paragraph'; text: string };

/** A piece of inline text: plain, or a `code` span. Links keep their text (the target is shown in brackets). */
export type InlinePart = { kind: 'text' | 'code'; text: string };

const isTableRow = (line: string) => /^\s*\|.*\|\s*$/.test(line);
const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

/** Splits a Markdown document into blocks. */
export function parseMarkdown(source: string): MarkdownBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    const fence = /^```(.*)$/.exec(line);
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (fence) {
      const body: string[] = [];
      index += 1;
      while (index < lines.length && !lines[index]!.startsWith('```')) body.push(lines[index++]!);
      index += 1; // the closing fence
      blocks.push({ kind: 'code', language: fence[1]!.trim(), text: body.join('\n') });
    } else if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]!.trim() });
      index += 1;
    } else if (isTableRow(line)) {
      const rows: string[][] = [];
      while (index < lines.length && isTableRow(lines[index]!)) rows.push(cellsOf(lines[index++]!));
      const [header = [], ...rest] = rows;
      blocks.push({ kind: 'table', header, rows: rest.filter((row) => !row.every((cell) => /^:?-+:?$/.test(cell))) });
    } else if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (index < lines.length && lines[index]!.trim() !== '' && !/^(#|```)/.test(lines[index]!)) {
        const current = lines[index++]!;
        const item = /^\s*[-*]\s+(.*)$/.exec(current);
        if (item) items.push(item[1]!);
        else items[items.length - 1] += ` ${current.trim()}`; // a wrapped line continues the item
      }
      blocks.push({ kind: 'list', items });
    } else if (line.trim() === '') {
      index += 1;
    } else {
      const body: string[] = [];
      while (
        index < lines.length &&
        lines[index]!.trim() !== '' &&
        !/^(#{1,6}\s|```|\s*[-*]\s)/.test(lines[index]!) &&
        !isTableRow(lines[index]!)
      ) {
        body.push(lines[index++]!.trim());
      }
      blocks.push({ kind: 'paragraph', text: body.join(' ') });
    }
  }
  return blocks;
}

/** Splits a line into plain text and `code` spans; `[text](target)` becomes `text (target)`, `**x**` becomes x. */
export function parseInline(text: string): InlinePart[] {
  const parts: InlinePart[] = [];
  const pieces = text.split(/(`[^`]+`)/);
  for (const piece of pieces) {
    if (piece === '') continue;
    if (piece.length > 1 && piece.startsWith('`') && piece.endsWith('`')) {
      parts.push({ kind: 'code', text: piece.slice(1, -1) });
    } else {
      parts.push({
        kind: 'text',
        text: piece.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)').replace(/\*\*([^*]+)\*\*/g, '$1'),
      });
    }
  }
  return parts;
}
