/** Artifact path checks: traversal tricks and Unicode look-alikes of ".", "/" and "\" are refused. */
import { describe, expect, it } from 'vitest';
import { checkArtifactPath, decodeUrlArtifactPath } from './artifact-path.js';

describe('checkArtifactPath', () => {
  it('accepts plain relative paths, including non-ASCII names', () => {
    for (const path of ['model.onnx', 'plots/loss.png', 'données/été.csv', 'a.b/c..d', '模型/权重.bin'])
      expect(checkArtifactPath(path)).toBe(path);
  });

  it('refuses traversal, absolute paths, schemes and encodings', () => {
    for (const path of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'file:x', '%2e%2e/x', 'a//b', '~/x', 'a/./b'])
      expect(() => checkArtifactPath(path), path).toThrow(/Invalid artifact path/);
  });

  it('refuses Unicode look-alikes of ".", "/" and "\\" (MLflow refuses them too)', () => {
    const lookAlikes = [
      '\uFF0E\uFF0E/secret', // full-width full stops
      'a/\uFF0E\uFF0E',
      '\u2025/x', // two dot leader (NFKC: "..")
      'a\u2215..\u2215b', // division slash
      'a\u2044b', // fraction slash
      'a\uFF0Fb', // full-width solidus
      'a\uFF3Cb', // full-width reverse solidus
      'a\u29F5b', // reverse solidus operator
      'a\uFE68b', // small reverse solidus
      '\uFE52\uFE52/x', // small full stops
      '\u3002\u3002/x', // ideographic full stops
    ];
    for (const path of lookAlikes) expect(() => checkArtifactPath(path), escape(path)).toThrow(/Invalid artifact path/);
  });

  it('decodes URL segments once and refuses encoded separators', () => {
    expect(decodeUrlArtifactPath('a/b%20c')).toBe('a/b c');
    expect(() => decodeUrlArtifactPath('a%2Fb')).toThrow(/encoded "\/"/);
    expect(() => decodeUrlArtifactPath('%E0%A4%A')).toThrow(/malformed/);
  });
});
