/**
 * ONNX Runtime's errors carry its own build's source locations (`/onnxruntime_src/…/model.cc:202
 * onnxruntime::Model::Model(…)`, `graph.cc:1555`): noise to a person and a fingerprint of the build
 * to anyone else. They are cut where ORT errors become Lathe's, leaving ORT's sentence.
 */

const sourceLocation = /(?:[\w.-]*\/)*[\w.-]+\.(?:cc|cpp|cxx|c|h|hpp|cu):\d+/g;

/** The message without source paths, line numbers and the C++ function signature that follows them. */
export function cleanOrtMessage(message: string): string {
  let out = '';
  let rest = message;
  let cut = false;
  for (;;) {
    sourceLocation.lastIndex = 0;
    const found = sourceLocation.exec(rest);
    if (!found) break;
    cut = true;
    out += rest.slice(0, found.index);
    rest = rest.slice(found.index + found[0].length);
    // A qualified C++ name with its parameter list (parentheses nest) follows the location.
    const signature = /^\s+[\w:~<>,*& ]*?[\w>~]\(/.exec(rest);
    if (signature) {
      let depth = 0;
      let end = -1;
      for (let i = signature[0].length - 1; i < rest.length; i++) {
        if (rest[i] === '(') depth += 1;
        else if (rest[i] === ')' && --depth === 0) {
          end = i + 1;
          break;
        }
      }
      if (end > 0) rest = rest.slice(end);
    }
    rest = rest.replace(/^\s*/, ' ');
  }
  // A message without ORT's source locations (most of Lathe's own) is left exactly as written.
  if (!cut) return message;
  return (out + rest)
    .replace(/\s+/g, ' ')
    .replace(/:\s+(?=\S)/g, ': ')
    .replace(/\s+([.,])/g, '$1')
    .trim();
}
