/**
 * Finds layout defects of the panel from element boxes, in a page or frame (webview tests and the
 * e2e narrow-panel scenario): toolbars that wrapped onto a second row, controls past the panel's
 * right edge, table cells cut off by their scroll box, text wider than its cell. Plain text run
 * with `evaluate`: tsx-compiled functions call helpers (__name) that the page does not have.
 */
export const LAYOUT_PROBE = `(sel) => {
  const problems = [];
  const root = document.querySelector(sel);
  if (!root) return [sel + ': not found'];
  const right = Math.min(document.documentElement.clientWidth, root.getBoundingClientRect().right);
  const visible = (el) => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  for (const bar of root.querySelectorAll('.toolbar, .detail-actions, .code-toolbar, .msg-footer')) {
    if (!visible(bar)) continue;
    const kids = Array.from(bar.children).filter(visible);
    // Rows: a child starts a new row when it begins below the bottom of the row so far.
    let rows = 0;
    let rowBottom = -Infinity;
    for (const r of kids.map((c) => c.getBoundingClientRect()).sort((a, b) => a.top - b.top)) {
      if (r.top >= rowBottom - 1) { rows++; rowBottom = r.bottom; } else rowBottom = Math.max(rowBottom, r.bottom);
    }
    if (bar.matches('.toolbar, .detail-actions, .code-toolbar') && rows > 1) problems.push(name(bar) + ' wraps onto ' + rows + ' rows');
    for (const c of kids) {
      const r = c.getBoundingClientRect();
      if (r.right > right + 0.5) problems.push(name(c) + ' ends at ' + Math.round(r.right) + ' px, past the panel edge at ' + Math.round(right) + ' px');
    }
  }
  for (const cell of root.querySelectorAll('th, td')) {
    if (!visible(cell)) continue;
    const r = cell.getBoundingClientRect();
    let clip = right;
    for (let p = cell.parentElement; p && p !== document.body; p = p.parentElement) {
      if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowX)) {
        clip = Math.min(clip, p.getBoundingClientRect().left + p.clientWidth);
        break;
      }
    }
    if (r.right > clip + 0.5) problems.push(name(cell) + ' ends at ' + Math.round(r.right) + ' px, cut at ' + Math.round(clip) + ' px');
    // Ellipsis is fine where a tooltip (title) carries the full text.
    if (cell.scrollWidth > cell.clientWidth + 1 && !cell.title) problems.push(name(cell) + ': text wider than its cell (' + cell.scrollWidth + ' > ' + cell.clientWidth + ')');
  }
  return problems;
}`;

/** Something playwright can evaluate a script in (Page or Frame). */
export interface Evaluates {
  evaluate<R>(script: string): Promise<R>;
}

export function layoutProblems(target: Evaluates, scope: string): Promise<string[]> {
  return target.evaluate<string[]>(`(${LAYOUT_PROBE})(${JSON.stringify(scope)})`);
}
