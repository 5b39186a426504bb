// Lists the Python interpreters installed where users keep them, for `--interpreters auto`: the
// folders on PATH, pyenv's versions, uv's managed Pythons and conda's base and environments (the
// extension adds the Python extension's known environments). It only lists files that exist and
// can be run; what each one is comes from probing it (interpreters.ts).
import { accessSync, constants, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';

export type InterpreterSource = 'PATH' | 'pyenv' | 'uv' | 'conda' | 'Python extension' | 'given';

export interface InterpreterCandidate {
  executable: string;
  source: InterpreterSource;
}

export interface FinderEnvironment {
  /** PATH, PYENV_ROOT, UV_PYTHON_INSTALL_DIR, XDG_DATA_HOME, CONDA_PREFIX, CONDA_EXE are read. */
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
}

/** python3, python3.12, python3.13t, pypy3, pypy3.10 (and .exe on Windows). Bare `python` is left
 * out: where it is not one of these under another name it is usually Python 2. */
const INTERPRETER_NAME = /^(?:python3(?:\.\d+t?)?|pypy3?(?:\.\d+)?)(?:\.exe)?$/i;

/** Folders whose entries are launchers that pick a version from the current folder (pyenv and
 * asdf shims): running them for a version that is not selected fails. */
function isShimFolder(folder: string): boolean {
  return basename(folder) === 'shims';
}

function isRunnableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/** The interpreters in one bin folder, most specific name first (python3.12 before python3). */
function interpretersIn(folder: string): string[] {
  return entries(folder)
    .filter((name) => INTERPRETER_NAME.test(name))
    .sort((a, b) => b.length - a.length || a.localeCompare(b))
    .map((name) => join(folder, name))
    .filter(isRunnableFile);
}

/** bin/ (Scripts/ and the folder itself on Windows) of each installation folder under `root`. */
function binFolders(root: string, platform: NodeJS.Platform): string[] {
  return entries(root).flatMap((name) =>
    platform === 'win32' ? [join(root, name), join(root, name, 'Scripts')] : [join(root, name, 'bin')],
  );
}

function condaRoots(f: FinderEnvironment): string[] {
  const roots = ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', 'micromamba', '.conda'].map((n) =>
    join(f.home, n),
  );
  if (f.platform !== 'win32') roots.push('/opt/conda');
  const exe = f.env.CONDA_EXE;
  if (exe) roots.unshift(dirname(dirname(exe)));
  return roots;
}

function condaFolders(f: FinderEnvironment): string[] {
  const bin = (prefix: string) => (f.platform === 'win32' ? prefix : join(prefix, 'bin'));
  const folders: string[] = [];
  if (f.env.CONDA_PREFIX) folders.push(bin(f.env.CONDA_PREFIX));
  for (const root of condaRoots(f)) {
    folders.push(bin(root));
    for (const env of entries(join(root, 'envs'))) folders.push(bin(join(root, 'envs', env)));
  }
  // conda keeps a list of every environment it created, wherever it lives.
  try {
    for (const line of readFileSync(join(f.home, '.conda', 'environments.txt'), 'utf8').split('\n'))
      if (line.trim()) folders.push(bin(line.trim()));
  } catch {
    // no list: conda was never used, or keeps its environments in the roots above
  }
  return folders;
}

function uvRoot(f: FinderEnvironment): string {
  if (f.env.UV_PYTHON_INSTALL_DIR) return f.env.UV_PYTHON_INSTALL_DIR;
  const data = f.env.XDG_DATA_HOME || join(f.home, '.local', 'share');
  return join(data, 'uv', 'python');
}

/** Two paths are the same interpreter when they resolve to the same file in the same folder:
 * python3 -> python3.12 next to it is one, a virtual environment's python -> /usr/bin/python3.12
 * is another (its own packages). */
function identity(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(realpathSync(path)));
  } catch {
    return path;
  }
}

/** Every interpreter found, in the order PATH, pyenv, uv, conda; each file once. */
export function findInterpreters(f: FinderEnvironment): InterpreterCandidate[] {
  const pathFolders = (f.env.PATH ?? '').split(f.platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const pyenvRoot = f.env.PYENV_ROOT || join(f.home, '.pyenv');
  const groups: [InterpreterSource, string[]][] = [
    ['PATH', pathFolders.filter((folder) => !isShimFolder(folder))],
    ['pyenv', binFolders(join(pyenvRoot, 'versions'), f.platform)],
    ['uv', binFolders(uvRoot(f), f.platform)],
    ['conda', condaFolders(f)],
  ];
  const seen = new Set<string>();
  const found: InterpreterCandidate[] = [];
  for (const [source, folders] of groups) {
    for (const folder of folders) {
      for (const executable of interpretersIn(folder)) {
        const key = identity(executable);
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ executable, source });
      }
    }
  }
  return found;
}

/** The finder's environment for this process. */
export function currentFinderEnvironment(home: string): FinderEnvironment {
  return { env: process.env, home, platform: process.platform };
}

/** `identity` for callers that dedupe their own lists against the finder's. */
export { identity as interpreterIdentity };
