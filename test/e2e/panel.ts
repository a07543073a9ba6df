/**
 * Helpers that drive the Switchyard panel (a webview: the content lives two iframes deep) the
 * way a user does: open it, ask in the Chat tab, follow an answer's trace link, switch tabs.
 */
import type { FrameLocator, Locator } from 'playwright-core';
import type { Session } from './harness';

/** The panel's content frame: VS Code nests it as iframe.webview → iframe#active-frame. */
export function panelFrame(session: Session): FrameLocator {
  return session.page.locator('iframe.webview.ready[src*="extensionId=switchyard-dev.switchyard"]').first().contentFrame().frameLocator('iframe#active-frame');
}

/** Opens the panel (Switchyard: Open Panel) and waits until its tabs render. */
export async function openPanel(session: Session): Promise<FrameLocator> {
  const frame = panelFrame(session);
  if (!(await frame.locator('#tab-chat').isVisible().catch(() => false))) {
    await session.runCommandById('switchyard.openPanel');
  }
  await frame.locator('#tab-chat').waitFor({ timeout: 30_000 });
  return frame;
}

export async function showTab(session: Session, tab: 'chat' | 'usage' | 'traces'): Promise<FrameLocator> {
  const frame = await openPanel(session);
  await frame.locator(`#tab-${tab}`).click();
  await frame.locator(`#panel-${tab}`).waitFor({ state: 'visible', timeout: 10_000 });
  return frame;
}

export interface Answer {
  /** The rendered answer text (markdown body). */
  text: string;
  /** The footer facts: model · tokens · cost · latency. */
  footer: string;
  /** The error box text, when the turn failed. */
  error: string;
  /** The answer's element in the chat list. */
  locator: Locator;
}

/** Waits until the last assistant message stopped streaming and returns it. */
export async function lastAnswer(session: Session, minCount: number, timeoutMs = 60_000): Promise<Answer> {
  const frame = panelFrame(session);
  const answers = frame.locator('#panel-chat .msg.assistant');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await answers.count();
    if (count >= minCount) {
      const last = answers.nth(count - 1);
      const cls = (await last.getAttribute('class')) ?? '';
      if (!/\bstreaming\b/.test(cls) && (await last.locator('.msg-footer, .error-box').count()) > 0) {
        // Absent parts read as '' at once (innerText would wait for them until its timeout).
        const read = async (selector: string) => ((await last.locator(selector).count()) ? (await last.locator(selector).first().innerText()).trim() : '');
        return { text: await read('.md'), footer: await read('.msg-footer .facts'), error: await read('.error-box'), locator: last };
      }
    }
    if (Date.now() > deadline) throw new Error(`No finished answer in the Chat tab after ${timeoutMs} ms (${count} answers shown)`);
    await session.page.waitForTimeout(250);
  }
}

/** Types a question in the Chat tab (chips already attached stay), sends it, returns the finished answer. */
export async function askInPanel(session: Session, question: string, opts: { beforeSend?: (frame: FrameLocator) => Promise<void> } = {}): Promise<Answer> {
  const frame = await showTab(session, 'chat');
  const before = await frame.locator('#panel-chat .msg.assistant').count();
  if (opts.beforeSend) await opts.beforeSend(frame);
  const input = frame.locator('#panel-chat textarea.input');
  await input.click();
  await input.fill(question);
  await input.press('Enter');
  return lastAnswer(session, before + 1);
}

/** Follows an answer's "trace" link and returns the text of the trace detail shown in the Traces tab. */
export async function openTraceOf(session: Session, answer: Answer): Promise<string> {
  const frame = panelFrame(session);
  await answer.locator.locator('.trace-link').click();
  const detail = frame.locator('#panel-traces .trace-detail');
  await detail.locator('.detail-head').waitFor({ timeout: 15_000 });
  await session.page.waitForTimeout(300);
  return detail.innerText();
}
