/** The panel's HTML shell: strict CSP with a per-load nonce, no remote content. Pure: tests render it too. */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** webview.cspSource (or the origin that serves the bundle in tests). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function renderPanelHtml(opts: PanelHtmlOptions): string {
  const nonce = opts.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(opts.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(opts.styleUri)}">
<title>Switchyard</title>
</head>
<body>
<script nonce="${nonce}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
