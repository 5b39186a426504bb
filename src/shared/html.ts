// The two HTML documents the webview UI runs in (the VS Code panel and the standalone report):
// escaping, the per-page nonce, the Content Security Policy and the page around the app. Node
// only (crypto): the webview itself builds its DOM with textContent (src/webview/dom.ts).
import { randomBytes } from 'node:crypto';

/** Text and attribute values: `&`, `<`, `>`, `"` and `'` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A fresh nonce per page: scripts and styles without it do not run. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PageParts {
  nonce: string;
  /** Origins besides the nonce that may serve styles, images and fonts (the webview's cspSource). */
  assetSource: string | null;
  title: string;
  /** Already-escaped markup for <head> after the title (stylesheets). */
  head: string;
  /** Already-escaped markup after the app's container (data, scripts). */
  body: string;
  bodyClass: string | null;
}

/** A page that loads nothing but what the nonce or assetSource allows: no network, no inline handlers. */
export function htmlPage(parts: PageParts): string {
  const source = parts.assetSource ? `${parts.assetSource} ` : '';
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${parts.nonce}'`,
    `style-src ${source}'nonce-${parts.nonce}'`,
    `img-src ${source}data:`,
    ...(parts.assetSource ? [`font-src ${parts.assetSource}`] : []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
${parts.head}
</head>
<body${parts.bodyClass ? ` class="${escapeHtml(parts.bodyClass)}"` : ''}>
<div id="app"></div>
${parts.body}
</body>
</html>
`;
}
