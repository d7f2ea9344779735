// How a browser draws a user-supplied value and the fixed text after it: a right-to-left override
// or right-to-left text in a name must not turn the words that follow around.

/** `value` is the whole text of a `<bdi>`; the characters of `after`, which follows it, are drawn in reading order after the end of `value`. */
export interface Isolation {
  isolated: boolean;
  inOrder: boolean;
}

/**
 * Runs in the page (self-contained: passed to page.evaluate, or as source over CDP): looks for
 * `value` followed by `after` in the text under `root` and measures each character as drawn.
 */
export function isolation(root: Node, value: string, after: string): Isolation | string {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: { node: Text; start: number }[] = [];
  let text = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push({ node: n as Text, start: text.length });
    text += (n as Text).data;
  }
  const at = text.indexOf(value + after);
  if (at < 0) return `not found in ${JSON.stringify(text)}`;
  const range = document.createRange();
  const box = (i: number) => {
    const { node, start } = nodes.filter((p) => p.start <= i).pop()!;
    range.setStart(node, i - start);
    range.setEnd(node, i - start + 1);
    return range.getBoundingClientRect();
  };
  // In reading order: each character right of the one before, or on a later line; the first one
  // right of every (visible) character of `value` on its line.
  const sameLine = (a: DOMRect, b: DOMRect) => Math.abs(b.top - a.top) < a.height / 2;
  const follows = (a: DOMRect, b: DOMRect) => (sameLine(a, b) ? b.left >= a.right - 0.5 : b.top > a.top);
  const chars = Array.from(after, (_, j) => box(at + value.length + j));
  const drawnValue = Array.from(value, (_, j) => box(at + j)).filter((b) => b.width > 0 && sameLine(b, chars[0]!));
  const inOrder = chars.every((b, j) => j === 0 || follows(chars[j - 1]!, b)) && drawnValue.every((b) => follows(b, chars[0]!));
  const holder = nodes.filter((p) => p.start <= at).pop()!.node.parentElement;
  return {
    isolated: holder?.localName === 'bdi' && holder.textContent === value,
    inOrder,
  };
}
