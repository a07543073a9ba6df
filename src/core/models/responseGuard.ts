/**
 * A fetch wrapper for both SDKs: a successful (2xx) answer that is an HTML page — a captive portal,
 * a proxy's login page, a base URL that points at a website — is turned into an error naming the
 * content type and the page title, instead of an empty stream ("ended without an answer").
 */

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How much of the page is read to find its title. */
const MAX_PAGE_BYTES = 64 * 1024;

class HtmlResponseError extends Error {
  constructor(readonly contentType: string, readonly title: string | undefined, readonly status: number, readonly url: string) {
    super(`got ${contentType} (HTTP ${status})${title ? `, page title "${title}"` : ''} from ${url}`);
    this.name = 'HtmlResponseError';
  }
}

/** The text of the first <title>, whitespace collapsed, at most 120 characters. */
function pageTitle(html: string): string | undefined {
  const m = /<title[^>]*>([\s\S]{0,2000}?)<\/title>/i.exec(html);
  if (!m) return undefined;
  const text = m[1]
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 120) : undefined;
}

async function readHead(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_PAGE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function htmlGuardingFetch(inner: FetchLike): FetchLike {
  return async (input, init) => {
    const res = await inner(input, init);
    const contentType = res.headers.get('content-type') ?? '';
    if (!res.ok || !/text\/html|application\/xhtml/i.test(contentType)) return res;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    throw new HtmlResponseError(contentType.split(';')[0].trim(), pageTitle(await readHead(res)), res.status, url);
  };
}

/** The HtmlResponseError somewhere in an error's cause chain (the SDKs wrap fetch failures). */
export function findHtmlResponse(err: unknown): HtmlResponseError | undefined {
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof HtmlResponseError) return e;
  }
  return undefined;
}
