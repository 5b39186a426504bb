// Where the user's code runs from and under which name it is imported: the way `python -m` would run
// it from its project root. The harness checks the name with the interpreter's own import system
// (cp_worker.decide_import) and falls back to loading the file by path when the name would not
// load this file, saying why.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Files or folders that mark a project's root, nearest first. */
export const PROJECT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py', '.git'];

export interface ImportPlan {
  /** Working directory of every interpreter of the run: the project root. */
  cwd: string;
  /** Folders put at the front of sys.path, in this order. */
  sysPathAdded: string[];
  /** The file's own folder for a module outside a regular package: appended last, so a sibling
   * import that works under `python FILE.py` still works but never shadows an installed name. */
  sysPathAppended: string | null;
  /** Dotted name to import the file by, or null when it has none (see moduleNote). */
  module: string | null;
  /** Why the file has no importable name; null when it has one. */
  moduleNote: string | null;
}

export function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The nearest folder from `start` up with a project marker (`.git` may be a file in a worktree). */
export function findMarkedRoot(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    if (PROJECT_MARKERS.some((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** The folder whose child is the topmost regular package holding `dir`, or null outside a package. */
export function packageBase(dir: string): string | null {
  let base: string | null = null;
  for (let at = dir; existsSync(join(at, '__init__.py')); at = dirname(at)) {
    base = dirname(at);
    if (dirname(at) === at) break;
  }
  return base;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel);
}

/** `app/core/work.py` under `base` -> `app.core.work`; `app/__init__.py` -> `app`. */
function dottedName(base: string, file: string): { module: string | null; note: string | null } {
  const parts = relative(base, file).split(sep);
  const leaf = parts.pop()!;
  if (!leaf.endsWith('.py')) return { module: null, note: `${leaf} does not end in .py, so it has no module name` };
  const stem = leaf.slice(0, -'.py'.length);
  if (stem !== '__init__') parts.push(stem);
  const dotted = parts.find((part) => part.includes('.') || part === '');
  if (dotted !== undefined)
    return { module: null, note: `"${dotted}" has a dot in its name, so Python cannot import it by name` };
  if (parts.length === 0) return { module: null, note: `${leaf} is at the top of ${base}` };
  return { module: parts.join('.'), note: null };
}

/**
 * How to run `file`: inside a regular package (folders with __init__.py), by its dotted name with
 * the package's parent on sys.path; otherwise by its name relative to the deepest project root (or
 * its src/) that holds it, folders without __init__.py being namespace packages, as `python -m`
 * from there would. The project root is `projectRoot` (the workspace folder in VS Code) and the
 * nearest folder with a marker; both, with their src/, go on sys.path. Without either, the file's
 * folder is the root, as for `python FILE.py` today.
 */
export function planImport(file: string, projectRoot: string | null = null): ImportPlan {
  const path = resolve(file);
  const folder = dirname(path);
  const explicit = projectRoot ? resolve(projectRoot) : null;
  const marked = findMarkedRoot(folder);
  const roots = [marked, explicit].filter((r): r is string => r !== null);
  const withSrc = roots.flatMap((root) => [root, join(root, 'src')]).filter(isDirectory);

  const pkgBase = packageBase(folder);
  let base: string;
  if (pkgBase !== null) base = pkgBase;
  else {
    // The deepest root that holds the file names it; none: the file's own folder, as today.
    const holding = withSrc.filter((root) => root === folder || isInside(root, path));
    base = holding.sort((a, b) => b.length - a.length)[0] ?? folder;
  }
  const { module, note } = dottedName(base, path);
  const cwd = explicit ?? marked ?? base;
  const sysPathAdded = [...new Set([base, ...withSrc])];
  const appended = pkgBase === null && folder !== base ? folder : null;
  return { cwd, sysPathAdded, sysPathAppended: appended, module, moduleNote: note };
}
