// The profile panel's HTML: only the bundled script and stylesheet from media/, under a CSP that
// allows nothing else. The profile itself is posted after the webview says `ready`, never inlined.
import { escapeHtml, htmlPage } from '../shared/html';

export interface WebviewAssets {
  /** `webview.cspSource`: the origin the asWebviewUri URIs are served from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

export function webviewHtml(assets: WebviewAssets, nonce: string): string {
  return htmlPage({
    nonce,
    assetSource: assets.cspSource,
    title: 'Concurrency profile',
    head: `<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}" nonce="${nonce}">`,
    body: `<script nonce="${nonce}" src="${escapeHtml(assets.scriptUri)}"></script>`,
    bodyClass: null,
  });
}
