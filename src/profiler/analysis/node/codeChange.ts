// Copyable snippets that apply the recommended route to the user's own exported function: a pool
// of worker threads or of forked child processes (each loads the module once and takes one call
// at a time, as the engine measured them), Promise.all, or a bigger libuv pool.
import type { VerdictKind, Workload } from '../../profile';

export type NodeRoute = 'worker-threads' | 'child-processes' | 'async' | 'uv' | 'serial';

export interface NodeCodeTarget {
  route: NodeRoute;
  workers: number;
  /** UV_THREADPOOL_SIZE for the `uv` route. */
  uvThreads: number | null;
  verdict: VerdictKind;
  /** Results differed from serial under some strategy: module state the calls share. */
  sharesState: boolean;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** ES module syntax for .mjs and TypeScript, CommonJS for .js and .cjs. */
export function usesImportSyntax(file: string): boolean {
  return /\.(mjs|ts|mts|cts)$/i.test(file);
}

/** The binding the snippet calls (`fn`), and how the module provides it. */
function importLines(w: Workload): { call: string; lines: string } {
  const name = w.function ?? 'main';
  const [head, ...rest] = name.split('.');
  const file = baseName(w.file);
  const spec = `./${/\.ts$/i.test(file) ? file.replace(/\.ts$/i, '.js') : file}`;
  const binding = head === 'default' ? 'fn' : head!;
  const lines = usesImportSyntax(w.file)
    ? head === 'default'
      ? `import fn from '${spec}';\n`
      : `import { ${head} } from '${spec}';\n`
    : head === 'default'
      ? `const fn = require('${spec}');\n`
      : `const { ${head} } = require('${spec}');\n`;
  // Class.method: a static method, or a method of an instance built with no arguments, as measured.
  const call = rest.length === 0 ? binding : `${binding}.${rest.join('.')}`;
  return { call, lines };
}

function callsLine(w: Workload): string {
  return w.args
    ? `const calls = [...(${w.args})].map((a) => (Array.isArray(a) ? a : [a])); // one argument array per call\n`
    : `const calls = Array.from({ length: ${w.tasks} }, () => []); // one argument array per call\n`;
}

/** Where the caller gets the pool's results, as a comment on the pool's line. */
function callerHint(w: Workload): string {
  return w.args
    ? ` // caller: await runAll([...(${w.args})].map((a) => [a].flat()))`
    : ' // caller: await runAll(calls)';
}

/** The pool's head: imports, the member side (this file is the member too) and `runAll`'s signature. */
function poolHead(w: Workload, t: NodeCodeTarget, esm: boolean, imports: string, member: string): string {
  const { lines } = importLines(w);
  const head = esm
    ? `export function runAll(calls, size = ${t.workers}) {`
    : `exports.runAll = (calls, size = ${t.workers}) => {`;
  return `${imports}${lines}${member}\n${head}${callerHint(w)}\n  const results = [];\n  let next = 0;\n`;
}

function workerPool(w: Workload, t: NodeCodeTarget): string {
  const { call } = importLines(w);
  const esm = usesImportSyntax(w.file);
  const imports = esm
    ? "import { Worker, isMainThread, parentPort } from 'node:worker_threads';\n"
    : "const { Worker, isMainThread, parentPort } = require('node:worker_threads');\n";
  const member =
    `if (!isMainThread) parentPort.on('message', async ([i, args]) => parentPort.postMessage([i, ` +
    `await ${call}(...args)]));`;
  return (
    `// A pool of ${t.workers} worker threads (this file is the worker too); piscina (npm) is a production-ready ` +
    `one.\n` +
    poolHead(w, t, esm, imports, member) +
    '  const run = (w) => new Promise((done, fail) => {\n' +
    '    const feed = () => (next < calls.length ? w.postMessage([next, calls[next++]]) : ' +
    'w.terminate().then(done));\n' +
    "    w.on('message', ([i, value]) => ((results[i] = value), feed())).on('error', fail);\n" +
    '    feed();\n' +
    '  });\n' +
    `  const pool = Array.from({ length: Math.min(size, calls.length) }, () => run(new ` +
    `Worker(${esm ? 'new URL(import.meta.url)' : '__filename'})));\n` +
    '  return Promise.all(pool).then(() => results);\n' +
    (esm ? '}\n' : '};\n')
  );
}

function childPool(w: Workload, t: NodeCodeTarget): string {
  const { call } = importLines(w);
  const esm = usesImportSyntax(w.file);
  const imports = esm
    ? "import { fork } from 'node:child_process';\nimport { fileURLToPath } from 'node:url';\n"
    : "const { fork } = require('node:child_process');\n";
  const member =
    `if (process.send) process.on('message', async ([i, args]) => process.send([i, await ` + `${call}(...args)]));`;
  const self = esm ? 'fileURLToPath(import.meta.url)' : '__filename';
  return (
    `// A pool of ${t.workers} child processes over IPC (this file is the child too): each a whole Node process.\n` +
    poolHead(w, t, esm, imports, member) +
    '  const run = (c) => new Promise((done, fail) => {\n' +
    '    const feed = () => (next < calls.length ? c.send([next, calls[next++]]) : (c.disconnect(), done()));\n' +
    "    c.on('message', ([i, value]) => ((results[i] = value), feed())).on('error', fail);\n" +
    '    feed();\n' +
    '  });\n' +
    `  const pool = Array.from({ length: Math.min(size, calls.length) }, () => run(fork(${self}, [], { ` +
    `serialization: 'advanced' })));\n` +
    '  return Promise.all(pool).then(() => results);\n' +
    (esm ? '}\n' : '};\n')
  );
}

function promiseAll(w: Workload, comment: string): string {
  const { call, lines } = importLines(w);
  return (
    comment +
    lines +
    callsLine(w) +
    `const results = await Promise.all(calls.map((args) => ${call}(...args))); // all calls at once on one event loop\n`
  );
}

export function nodeCodeChange(w: Workload, t: NodeCodeTarget): string | null {
  if (w.function === null) return null;
  switch (t.route) {
    case 'worker-threads':
      return workerPool(w, t);
    case 'child-processes':
      return childPool(w, t);
    case 'async':
      return promiseAll(w, '');
    case 'uv':
      return promiseAll(
        w,
        `// libuv reads UV_THREADPOOL_SIZE once, when its pool starts: set it in the environment,\n` +
          `//   UV_THREADPOOL_SIZE=${t.uvThreads} node app.js\n` +
          `// (or first thing in the entry file, before any fs, crypto, zlib or dns call). One pool\n` +
          '// serves the whole process, worker threads included.\n',
      );
    case 'serial':
      return serialAdvice(w, t);
  }
}

function serialAdvice(w: Workload, t: NodeCodeTarget): string | null {
  const { call } = importLines(w);
  if (t.sharesState)
    return (
      '// Worker threads and child processes each load their own copy of the module: state the calls\n' +
      '// change at module level is not shared. Return what each call produces and combine in the caller:\n' +
      callsLine(w) +
      `const results = calls.map((args) => ${call}(...args));\n` +
      'const total = combine(results); // e.g. a sum, a Map merge, ...\n'
    );
  if (t.verdict === 'event-loop-blocked')
    return (
      '// Let other callbacks run between chunks of the synchronous work (or move it to a worker thread):\n' +
      'const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));\n' +
      'for (const chunk of chunks) {\n' +
      '  work(chunk); // a few milliseconds at most\n' +
      '  await yieldToLoop();\n' +
      '}\n'
    );
  if (t.verdict === 'overhead-bound')
    return (
      '// Calls this short are fastest in a plain loop. To use workers, send each one a batch of inputs:\n' +
      `//   worker: ({ id, batch }) => postMessage({ id, result: batch.map((args) => ${call}(...args)) })\n` +
      callsLine(w) +
      `const results = calls.map((args) => ${call}(...args));\n`
    );
  return null;
}
