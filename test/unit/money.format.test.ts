/** Spend is rounded one way everywhere: the status bar (src/core/cost/money) and the panel (webview dom). */
import assert from 'node:assert/strict';
import { formatUsd } from '../../src/core/cost/money';
import { formatUsd as panelFormatUsd } from '../../webview-ui/src/dom';

describe('spend formatting: status bar and panel agree', () => {
  for (const v of [0, 0.000084, 0.0012, 0.007275, 0.02, 0.125, 1, 4.5, 1234.567]) {
    it(`${v}`, () => assert.equal(panelFormatUsd(v), formatUsd(v)));
  }
  it('an unknown cost says so in the panel', () => assert.equal(panelFormatUsd(null), 'cost unknown'));
});
