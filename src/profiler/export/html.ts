// The standalone HTML report: the webview's own bundle and stylesheet inlined with the profile,
// so one file opens offline in any browser. The webview sees no VS Code API there and reads the
// profile from the JSON script tag, playing the host's part itself.
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../profile';
import { htmlPage, newNonce } from '../../shared/html';
import { PROFILE_PACKED_TYPE, PROFILE_SCRIPT_ID } from '../../shared/webviewProtocol';
import { packProfile } from './packedProfile';
export { PROFILE_SCRIPT_ID };

export interface WebviewAssets {
  js: string;
  css: string;
}

/** media/ sits next to dist/ when bundled and three levels above this file when run from source. */
export function loadWebviewAssets(mediaDir?: string): WebviewAssets {
  const candidates = mediaDir
    ? [mediaDir]
    : [path.join(__dirname, '..', 'media'), path.join(__dirname, '..', '..', '..', 'media')];
  const dir = candidates.find((d) => existsSync(path.join(d, 'webview.js')));
  if (!dir)
    throw new Error(`media/webview.js not found (looked in ${candidates.join(', ')}); run \`npm run build\` first.`);
  return {
    js: readFileSync(path.join(dir, 'webview.js'), 'utf8'),
    css: readFileSync(path.join(dir, 'webview.css'), 'utf8'),
  };
}

/** JSON inside <script> ends at the first "</script": escaping every "<" makes that impossible. */
export function escapeJsonForScript(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Profiles above this size are inlined packed (sample columns as typed arrays, see packedProfile)
 * and gzip-compressed, in base64: a 1M-sample profile is ~22 MB of JSON that the browser needs
 * about a second to parse and hold; packed it is a few MB that it decodes in tens of ms, inflated
 * with the built-in DecompressionStream. Smaller ones stay readable JSON.
 */
export const COMPRESS_ABOVE_BYTES = 2_000_000;

function profileScriptTag(profile: Profile, compressAbove: number): string {
  const json = JSON.stringify(profile);
  if (json.length <= compressAbove) {
    return `<script type="application/json" id="${PROFILE_SCRIPT_ID}">${escapeJsonForScript(json)}</script>`;
  }
  const base64 = gzipSync(packProfile(profile), { level: 6 }).toString('base64');
  return `<script type="${PROFILE_PACKED_TYPE}" id="${PROFILE_SCRIPT_ID}">${base64}</script>`;
}

export function buildHtmlReport(profile: Profile, assets: WebviewAssets, compressAbove = COMPRESS_ABOVE_BYTES): string {
  if (/<\/script/i.test(assets.js)) throw new Error('webview.js contains "</script" and cannot be inlined.');
  if (/<\/style/i.test(assets.css)) throw new Error('webview.css contains "</style" and cannot be inlined.');
  const nonce = newNonce();
  const subject = profile.workload.function ?? path.basename(profile.workload.file);
  // No network at all: nothing but the inline script and style may load.
  return htmlPage({
    nonce,
    assetSource: null,
    title: `Concurrency profile: ${subject}`,
    head: `<style nonce="${nonce}">${assets.css}</style>`,
    body: `${profileScriptTag(profile, compressAbove)}\n<script nonce="${nonce}">${assets.js}</script>`,
    bodyClass: 'standalone',
  });
}
