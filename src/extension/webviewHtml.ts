// The profile panel's HTML: only the bundled script and stylesheet from media/, under a CSP that
// allows nothing else. The profile itself is posted after the webview says `ready`, never inlined.
import { randomBytes } from 'node:crypto';

export interface WebviewAssets {
  /** `webview.cspSource`: the origin the asWebviewUri URIs are served from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export function webviewHtml(assets: WebviewAssets, nonce: string): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${assets.cspSource} 'nonce-${nonce}'`,
    `img-src ${assets.cspSource} data:`,
    `font-src ${assets.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(assets.styleUri)}" nonce="${nonce}">
<title>Concurrency profile</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttribute(assets.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
