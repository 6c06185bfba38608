/**
 * Long identifiers (param and metric keys like `optimizer.warmup_schedule_steps`, dataset refs, paths) have no
 * spaces, so a narrow column either overflows or, with `word-break: break-all`, splits them mid-word
 * ("skipped_column / s"). This offers the browser a line break after each separator instead (`_ . / - : @ = ,`),
 * so a key wraps between its words, and only a single word longer than the column breaks inside itself.
 */
import { Fragment } from 'react';

/** The pieces of `text` with a break opportunity after each: each ends in a separator, except perhaps the last. */
export function breakablePieces(text: string): string[] {
  // A number (0.001, 1.19209e-7) is one word: it never wraps at its point or its exponent's sign.
  if (/^[-+]?(\d[\d.]*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return [text];
  return text.match(/[^_./\-:@=,]*[_./\-:@=,]+|[^_./\-:@=,]+$/g) ?? [text];
}

/** `text` with a <wbr> after each separator; breaks mid-word only when one piece is wider than its box. */
export function BreakableText({ text }: { text: string }) {
  const pieces = breakablePieces(text);
  return (
    <span style={{ overflowWrap: 'break-word' }}>
      {pieces.map((piece, index) => (
        <Fragment key={index}>
          {piece}
          {index < pieces.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
