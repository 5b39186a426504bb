// One build for every context: CLI/engine, extension host, language server, webview.
// `node esbuild.config.mjs` builds once; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** The Python half of the engine ships as plain files next to the bundle. */
const copyPythonFiles = {
  name: 'copy-python',
  setup(build) {
    build.onEnd(() => {
      rmSync('dist/python', { recursive: true, force: true });
      mkdirSync('dist/python', { recursive: true });
      cpSync('src/profiler/python', 'dist/python', {
        recursive: true,
        filter: (src) => !src.includes('__pycache__'),
      });
    });
  },
};

const contexts = [
  {
    ...node,
    entryPoints: { cli: 'src/profiler/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [copyPythonFiles],
  },
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'media',
  },
];

if (watch) {
  for (const options of contexts) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(contexts.map((options) => esbuild.build(options)));
}
