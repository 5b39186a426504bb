// One build for every context: CLI/engine, extension host, language server, webview.
// `node esbuild.config.mjs` builds once; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

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

/** The Node harness ships as plain bundles in dist/node, run by the user's own Node. */
const nodeHarness = {
  ...common,
  sourcemap: false,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  entryPoints: {
    'node/cp_node_harness': 'src/profiler/node/harness/main.ts',
    'node/cp_node_preload': 'src/profiler/node/harness/preload.ts',
  },
  outdir: 'dist',
};

/** The TypeScript loader, on its own: loaded only for .ts files. */
const nodeTypeScript = {
  ...nodeHarness,
  entryPoints: { 'node/cp_node_typescript': 'src/profiler/node/harness/typescript.ts' },
  banner: { js: '// TypeScript loader: sucrase (MIT, pure JavaScript), bundled' },
};

/**
 * 0x's flame graph, shipped inside the bundles: its tree builder is bundled into cli.js and
 * extension.js (the panel's export), its __dirname pointed at dist/0x, where the helper script it
 * spawns lies; and its visualizer, which 0x browserifies at every run, is bundled once here. No 0x
 * dependency is needed at run time.
 */
const zeroXDirname = {
  name: '0x-dirname',
  setup(build) {
    build.onLoad({ filter: /[\\/]0x[\\/]lib[\\/]ticks-to-tree\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('__dirname', "require('path').join(__dirname, '0x')"),
      loader: 'js',
    }));
  },
};

/** The files 0x's tree builder and page need beside the bundles, copied once (with cli.js). */
const copyZeroXFiles = {
  name: '0x-files',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist/0x', { recursive: true });
      for (const file of ['lib/loading-stacks.js', 'lib/random-require.js'])
        cpSync(`node_modules/0x/${file}`, `dist/0x/${file.split('/').pop()}`);
      cpSync('node_modules/tachyons/css/tachyons.min.css', 'dist/0x/tachyons.min.css');
    });
  },
};

const zeroXVisualizer = {
  ...common,
  sourcemap: false,
  minify: true,
  platform: 'browser',
  format: 'iife',
  globalName: 'visualizer',
  target: 'es2019',
  entryPoints: { '0x/visualizer': 'node_modules/0x/visualizer/index.js' },
  outdir: 'dist',
};

const contexts = [
  nodeHarness,
  nodeTypeScript,
  zeroXVisualizer,
  {
    ...node,
    entryPoints: { cli: 'src/profiler/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [copyPythonFiles, zeroXDirname, copyZeroXFiles],
  },
  {
    ...node,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [zeroXDirname],
  },
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
