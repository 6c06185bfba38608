/**
 * Generic checks of a rendered page, for the layout sweep: what a person would call broken on a screenshot,
 * found in the DOM so a test fails on it. Each check reads only what the browser laid out (boxes, line
 * positions of text), so it holds for every page without knowing what the page shows:
 * - the page scrolls sideways, or text ends beyond the right edge outside any scroller;
 * - text cut by its box (an ellipsis or overflow hidden) with no title or tooltip to read it whole;
 * - a word broken across two lines (a key split as "skipped_column / s");
 * - a number wrapped over two lines, or a table header on two lines;
 * - a line chart that draws a single orphan dot (EChart names such series in data-lone-points);
 * - a page narrower than the main area (it should span it, up to the shared page width).
 * An element may opt out of the clipping check with data-truncated when its full text is one hover away.
 */
import type { Page } from '@playwright/test';

/** Everything wrong with the page's layout as it is now, one line each. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const quote = (text: string | null) => `"${(text ?? '').trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
    const visible = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
    };
    const hiddenByMantine = (element: Element) => element.closest('[aria-hidden="true"], [hidden]') !== null;

    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth)
      problems.push(`the page scrolls sideways (${root.scrollWidth} > ${window.innerWidth})`);

    // Every page spans the main area up to the shared page width (components/Page.tsx: 1400 px).
    const main = document.querySelector('main');
    const frame = main?.firstElementChild;
    if (main && frame) {
      const style = getComputedStyle(main);
      const inner = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const short = Math.min(1400, inner) - frame.getBoundingClientRect().width;
      if (short > 2) problems.push(`the page stops ${Math.round(short)} px short of the right edge`);
    }

    const inlineTags = new Set(['SPAN', 'B', 'STRONG', 'I', 'EM', 'CODE', 'A', 'WBR', 'SMALL', 'MARK', 'KBD']);
    for (const element of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      if (element.closest('svg, canvas, input, textarea, select, script, style') || hiddenByMantine(element)) continue;
      const text = element.textContent?.trim();
      if (!text || !visible(element)) continue;
      const style = getComputedStyle(element);

      // Text off the right edge, unless a box that scrolls or clips it (a wide table in its own scroller) fits.
      if (element.children.length === 0 && element.getBoundingClientRect().right > window.innerWidth + 1) {
        let contained = false;
        for (let box = element.parentElement; box && box !== document.body && !contained; box = box.parentElement)
          contained =
            getComputedStyle(box).overflowX !== 'visible' && box.getBoundingClientRect().right <= window.innerWidth + 1;
        if (!contained) problems.push(`${element.tagName.toLowerCase()} ${quote(text)} runs off the right edge`);
      }

      // Text cut by its own box: only boxes that hold text (inline children at most), not panels of content.
      const clips = style.textOverflow === 'ellipsis' || style.overflowX === 'hidden' || style.overflowX === 'clip';
      const textBox = Array.from(element.children).every((child) => inlineTags.has(child.tagName));
      if (clips && textBox && element.scrollWidth > element.clientWidth + 1) {
        if (!element.closest('[title], [data-truncated]'))
          problems.push(
            `${element.tagName.toLowerCase()} ${quote(text)} is cut off (${element.scrollWidth} px of text in ${element.clientWidth} px)`,
          );
      }
    }

    // Line breaks inside text nodes: where each character sits, line by line.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const letter = /[\p{L}\p{N}]/u;
    const numberLike = /^[-+−]?(\d[\d,.]*|\.\d+)(e[-+]?\d+)?\s?(%|s|ms|px|B|KiB|MiB|GiB)?$/i;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const parent = node.parentElement;
      if (!parent || !text.trim() || text.length > 2000) continue;
      if (parent.closest('svg, textarea, pre, script, style, [data-wrap-ok]') || hiddenByMantine(parent)) continue;
      if (!visible(parent)) continue;
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter((rect) => rect.width > 0);
      if (rects.length < 2) continue;
      const lineHeight = Math.min(...rects.map((rect) => rect.height));
      const tops = new Set(rects.map((rect) => Math.round(rect.top / (lineHeight / 2))));
      if (tops.size < 2) continue;
      const tag = parent.tagName.toLowerCase();
      if (parent.closest('th')) problems.push(`table header ${quote(text)} wraps onto two lines`);
      else if (numberLike.test(text.trim())) problems.push(`the number ${quote(text)} wraps onto two lines`);
      let previousTop: number | null = null;
      for (let index = 0; index < text.length; index++) {
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const box = range.getBoundingClientRect();
        if (box.width === 0) continue;
        if (
          previousTop !== null &&
          box.top > previousTop + box.height / 2 &&
          index > 0 &&
          letter.test(text[index - 1]!) &&
          letter.test(text[index]!)
        ) {
          problems.push(`${tag} ${quote(text)} breaks mid-word at "${text.slice(Math.max(0, index - 12), index)}|"`);
          break;
        }
        previousTop = box.top;
      }
    }

    for (const chart of Array.from(document.querySelectorAll('[data-lone-points]')))
      problems.push(
        `chart ${quote(chart.getAttribute('aria-label'))} draws a lone dot for ${chart.getAttribute('data-lone-points')}`,
      );
    return problems;
  });
}
