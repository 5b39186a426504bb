// Loading the user's file the way Node would run it (CommonJS, ES module, or TypeScript stripped
// by sucrase), finding the exported function, and evaluating --args with the exports in scope.
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export class UsageError extends Error {}

export type Exports = Record<string, unknown>;
export type UserFunction = (...args: unknown[]) => unknown;

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** The user's module: its exports (module.exports, or the ES module namespace). */
export async function loadModule(file: string): Promise<Exports> {
  const ext = extname(file).toLowerCase();
  if (TYPESCRIPT.has(ext)) registerTypeScript();
  const require = createRequire(file);
  if (ext === '.mjs') return (await import(pathToFileURL(file).href)) as Exports;
  try {
    return asExports(require(file));
  } catch (error) {
    // A .js file in a "type": "module" package is an ES module.
    if ((error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM')
      return (await import(pathToFileURL(file).href)) as Exports;
    throw error;
  }
}

/** Runs the file as the main module (whole-file mode): require.main is the file, as under `node FILE`. */
export async function runAsMain(file: string): Promise<void> {
  const ext = extname(file).toLowerCase();
  if (TYPESCRIPT.has(ext)) registerTypeScript();
  if (ext === '.mjs') {
    await import(pathToFileURL(file).href);
    return;
  }
  try {
    (Module as unknown as { _load(request: string, parent: null, isMain: boolean): unknown })._load(file, null, true);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    await import(pathToFileURL(file).href);
  }
}

function asExports(value: unknown): Exports {
  // module.exports = function ...: the function is the module's default.
  if (typeof value === 'function') return Object.assign(Object.create(null) as Exports, value, { default: value });
  return (value ?? {}) as Exports;
}

let typescriptRegistered = false;

/** TypeScript files are stripped to CommonJS by sucrase (pure JavaScript, shipped next to the harness). */
function registerTypeScript(): void {
  if (typescriptRegistered) return;
  typescriptRegistered = true;
  const hook = join(__dirname, 'cp_node_typescript.js');
  if (!existsSync(hook)) throw new Error(`the TypeScript loader (${hook}) is missing`);
  (createRequire(__filename)(hook) as { register(): void }).register();
}

function isClass(value: unknown): value is new () => object {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * `name` among the exports: an exported function, `default`, or `Class.method` (a static method,
 * or a method of an instance built with no arguments), or `object.method`.
 */
export function resolveFunction(exports: Exports, name: string): UserFunction {
  const parts = name.split('.');
  let owner: unknown = null;
  let target: unknown = exports;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (target === null || target === undefined || !(part in Object(target))) throw new NotFound();
    let value = (target as Record<string, unknown>)[part];
    const next = parts[i + 1];
    if (next !== undefined && isClass(value) && !(next in value)) {
      try {
        value = new value();
      } catch (error) {
        throw new UsageError(`cannot build new ${part}() with no arguments: ${(error as Error).message}`);
      }
    }
    owner = target;
    target = value;
  }
  if (typeof target !== 'function')
    throw new UsageError(`${name} is ${target === null ? 'null' : `a ${typeof target}`}, not a function`);
  const fn = target as UserFunction;
  return owner !== exports && owner !== null ? fn.bind(owner) : fn;
}

export class NotFound extends Error {}

/** Exported functions and the methods of exported classes, for the "not found" message. */
export function availableFunctions(exports: Exports): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(exports)) {
    if (typeof value !== 'function') continue;
    if (!isClass(value)) {
      names.push(key);
      continue;
    }
    const statics = Object.getOwnPropertyNames(value).filter(
      (m) => typeof (value as unknown as Record<string, unknown>)[m] === 'function',
    );
    const methods = Object.getOwnPropertyNames(value.prototype as object).filter((m) => m !== 'constructor');
    for (const m of [...statics, ...methods]) names.push(`${key}.${m}`);
  }
  return names.sort();
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', 'arguments', 'eval', 'await', 'yield', 'let', 'static', 'enum']);

/**
 * One argument array per task: --args evaluated with the module's exports in scope (a non-array
 * item is one argument; a promise is awaited), or `defaultTasks` calls of no arguments.
 */
export async function taskInputs(
  exports: Exports,
  fn: UserFunction,
  expression: string | null,
  defaultTasks: number,
): Promise<unknown[][]> {
  if (expression === null) {
    if (fn.length > 0)
      throw new UsageError(
        `the function takes ${fn.length} argument(s): pass --args with an expression yielding one argument array ` +
          `per task, e.g. --args "Array.from({ length: 8 }, (_, i) => ` +
          `[${Array.from({ length: fn.length }, () => '...').join(', ')}])"`,
      );
    return Array.from({ length: defaultTasks }, () => []);
  }
  const names = Object.keys(exports).filter((n) => IDENTIFIER.test(n) && !RESERVED.has(n));
  let items: unknown;
  try {
    const evaluate = new Function(...names, `return (${expression}\n);`) as (...values: unknown[]) => unknown;
    items = await evaluate(...names.map((n) => exports[n]));
  } catch (error) {
    throw new UsageError(`--args ${JSON.stringify(expression)} failed: ${describe(error)}`);
  }
  if (items === null || typeof items !== 'object' || !(Symbol.iterator in items))
    throw new UsageError(
      `--args ${JSON.stringify(expression)} gave ${items === null ? 'null' : typeof items}, not an array or other ` +
        `iterable`,
    );
  return Array.from(items as Iterable<unknown>, (item) => (Array.isArray(item) ? item : [item]));
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
