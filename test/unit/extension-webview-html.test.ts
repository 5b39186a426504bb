import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webviewHtml } from '../../src/extension/webviewHtml';
import { newNonce } from '../../src/shared/html';

const assets = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
};

test('the CSP denies everything but the nonce script and the media origin', () => {
  const html = webviewHtml(assets, 'abc123');
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.equal(
    csp,
    "default-src 'none'; script-src 'nonce-abc123'; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-abc123'; " +
      'img-src https://file+.vscode-resource.vscode-cdn.net data:; font-src https://file+.vscode-resource.vscode-cdn.net',
  );
});

test('loads exactly the bundled script and stylesheet, and inlines no script', () => {
  const html = webviewHtml(assets, 'abc123');
  assert.deepEqual(
    [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => [m[1], m[2]]),
    [[` nonce="abc123" src="${assets.scriptUri}"`, '']],
  );
  assert.match(html, new RegExp(`<link rel="stylesheet" href="${assets.styleUri.replace(/[+.]/g, '\\$&')}"`));
  assert.doesNotMatch(html, /https?:\/\/(?!file\+\.vscode-resource)/);
});

test('nonces are fresh and long enough', () => {
  const nonces = new Set(Array.from({ length: 100 }, newNonce));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.ok(nonce.length >= 22);
});
