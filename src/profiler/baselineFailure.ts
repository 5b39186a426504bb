// What the CLI prints when the serial baseline (or the whole script) did not complete: the error,
// the user's frames of its traceback and a hint for the common causes, in at most
// BASELINE_REPORT_MAX_LINES lines. No verdict or route advice: nothing was measured to base it on.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Profile, StrategyResult } from './profile';

/** Lines of the report itself; the CLI's two progress lines make 15. */
export const BASELINE_REPORT_MAX_LINES = 13;
const SHOWN_FRAMES = 3;
const HINT_LINES = 4;
const WIDTH = 100;

interface Frame {
  file: string;
  lines: string[];
}

/** Frames (header and source line; no caret lines) and the exception's lines of a Python traceback. */
export function parseTraceback(text: string): { frames: Frame[]; exception: string[] } {
  const frames: Frame[] = [];
  const exception: string[] = [];
  for (const line of text.replace(/\n+$/, '').split('\n')) {
    const header = /^ {2}File "(.+)", line \d+, in /.exec(line);
    if (header) frames.push({ file: header[1]!, lines: [line] });
    else if (line.startsWith('    ') && frames.length > 0 && exception.length === 0) {
      // The frame's first source line; not the carets under it, nor more lines of a long statement.
      const frame = frames[frames.length - 1]!;
      if (frame.lines.length === 1 && !/^\s*[\^~]+[\s^~]*$/.test(line)) frame.lines.push(line);
    } else if (line !== 'Traceback (most recent call last):') exception.push(line);
  }
  return { frames, exception };
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Folders the project's own code lives in. */
function projectFolders(profile: Profile): string[] {
  const w = profile.workload;
  return [dirname(w.file), w.cwd, ...(w.sysPathAdded ?? []), w.sysPathAppended].filter(
    (folder): folder is string => !!folder,
  );
}

function isUserFrame(profile: Profile, file: string): boolean {
  if (file.startsWith('<') || /[\\/](site|dist)-packages[\\/]/.test(file)) return false;
  return projectFolders(profile).some((folder) => isInside(folder, file));
}

/** The user's frames, the first and the last ones when there are many. */
function shownFrames(profile: Profile, frames: Frame[]): string[] {
  const mine = frames.filter((f) => isUserFrame(profile, f.file));
  const shown = mine.length > 0 ? mine : frames.slice(-1);
  if (shown.length <= SHOWN_FRAMES) return shown.flatMap((f) => f.lines);
  const hidden = shown.length - SHOWN_FRAMES;
  return [
    ...shown[0]!.lines,
    `  ... ${hidden} more frame${hidden === 1 ? '' : 's'} ...`,
    ...shown.slice(-(SHOWN_FRAMES - 1)).flatMap((f) => f.lines),
  ];
}

/** Where a top-level name sits in the project (a package folder or a module), three levels deep at most. */
function findInProject(root: string, name: string, depth = 3): string | null {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) {
    if ((entry.isDirectory() && entry.name === name) || entry.name === `${name}.py`) return join(root, entry.name);
  }
  if (depth === 0) return null;
  for (const entry of entries) {
    if (!entry.isDirectory() || /^[._]|^(node_modules|site-packages|dist-packages)$/.test(entry.name)) continue;
    if (existsSync(join(root, entry.name, 'pyvenv.cfg'))) continue; // a virtual environment
    const found = findInProject(join(root, entry.name), name, depth - 1);
    if (found) return found;
  }
  return null;
}

const ENV_FILE_ADVICE =
  "put it in the project's .env file and pass --env-file (VS Code reads python.envFile, " +
  '${workspaceFolder}/.env by default)';

/** One sentence or two on the likely cause, or null when the error is not one of the common ones. */
export function failureHint(profile: Profile, baseline: StrategyResult): string | null {
  const detail = baseline.errorDetail;
  const w = profile.workload;
  if (baseline.status === 'timeout')
    return (
      `the serial run took longer than --timeout ${profile.settings.timeoutSeconds} ` +
      `s: give it fewer or smaller tasks with --args, or raise --timeout.`
    );
  if (!detail) return null;
  const { frames } = parseTraceback(detail.traceback);
  const lastUserFrame = [...frames].reverse().find((f) => isUserFrame(profile, f.file));

  if (detail.type === 'ImportError' && /attempted relative import/.test(detail.message)) {
    if (!w.module)
      return (
        `a relative import needs the file imported as part of its package, but it ` +
        `was loaded from its file: ${w.moduleNote ?? 'it has no module name'}.`
      );
    if (!w.module.includes('.'))
      return (
        `${w.module} is a top-level module (as under \`python -m ${w.module}\` from ` +
        `${w.cwd}), so \`from . import\` has no package: import by absolute name, ` +
        `or move the file into a package folder (one with __init__.py).`
      );
    return (
      `the relative import climbs above the top package of ${w.module}: count the ` +
      `dots, or import by absolute name.`
    );
  }
  if (detail.type === 'ModuleNotFoundError') {
    const missing = /No module named '([^']+)'/.exec(detail.message)?.[1];
    if (!missing) return null;
    const top = missing.split('.')[0]!;
    const inProject = w.cwd ? findInProject(w.cwd, top) : null;
    if (inProject) {
      const added = [...(w.sysPathAdded ?? []), ...(w.sysPathAppended ? [w.sysPathAppended] : [])];
      const dotted = relative(w.cwd!, inProject).replace(/\.py$/, '').split(sep).join('.');
      return (
        `${top} is at ${inProject}, but ${dirname(inProject)} is not on sys.path ` +
        `(the run added ${added.join(', ') || 'nothing'}): add it to PYTHONPATH in ` +
        `the project's .env (--env-file), or import it as ${dotted}.`
      );
    }
    return (
      `${top} is not installed for this run's interpreter, ${w.python?.executable ?? 'python'}: ` +
      `install it there (python -m pip install), or run with the interpreter that ` +
      `has it (--python; in VS Code, the Python extension's).`
    );
  }
  if (detail.type === 'KeyError' && lastUserFrame?.lines.some((line) => /environ|getenv/.test(line))) {
    const name = detail.message.replace(/^['"]|['"]$/g, '');
    return w.envFile
      ? `${name} is not set in the run's environment, and ${w.envFile} does not set it.`
      : `${name} is not set in the run's environment: ${ENV_FILE_ADVICE}.`;
  }
  if (detail.type === 'FileNotFoundError') {
    const path = /No such file or directory: '([^']+)'/.exec(detail.message)?.[1];
    if (!path || isAbsolute(path) || !w.cwd) return null;
    const besideFile = [lastUserFrame?.file, w.file]
      .filter((f): f is string => !!f)
      .map((f) => join(dirname(f), path))
      .find((candidate) => existsSync(candidate));
    const cwdRule = `${path} is looked up from the working directory, the project root ${w.cwd} (as for python -m)`;
    return besideFile
      ? `${cwdRule}; it is at ${besideFile}: open it as Path(__file__).parent / "${path}".`
      : `${cwdRule}, and is not there.`;
  }
  return null;
}

function wrap(text: string, firstPrefix: string, maxLines: number): string[] {
  const lines: string[] = [];
  let line = firstPrefix;
  for (const word of text.split(' ')) {
    if (line.trim() !== '' && line.length + word.length + 1 > WIDTH && line !== firstPrefix) {
      lines.push(line);
      line = '  ';
    }
    line += line.endsWith(' ') || line === '' ? word : ` ${word}`;
  }
  lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, WIDTH - 3)}...`;
  return kept;
}

/** The CLI's report of a baseline that did not complete. */
export function formatBaselineFailure(profile: Profile, outPath: string | null): string {
  const baseline = profile.strategies[0];
  const w = profile.workload;
  const subject = w.function ? `The serial run of ${w.function}` : 'The script';
  if (!baseline) return `${subject} did not run.\n`;
  const notRun = profile.strategies.length - 1;
  const outcome = baseline.status === 'failed' ? 'failed' : `did not complete (${baseline.status})`;
  const others = notRun === 1 ? 'strategy was' : 'strategies were';
  const lines = [`${subject} ${outcome}${notRun > 0 ? `, so the ${notRun} other ${others} not run` : ''}.`];
  if (baseline.errorDetail) {
    const { frames, exception } = parseTraceback(baseline.errorDetail.traceback);
    lines.push(...shownFrames(profile, frames));
    const message = exception.join(' ').trim() || `${baseline.errorDetail.type}: ${baseline.errorDetail.message}`;
    lines.push(message.length > WIDTH * 2 ? `${message.slice(0, WIDTH * 2 - 3)}...` : message);
  } else if (baseline.error) lines.push(...baseline.error.split('\n').slice(-4));
  const hint = failureHint(profile, baseline);
  // The hint gets the lines the traceback left, keeping one for the last line.
  if (hint) lines.push(...wrap(hint, 'Hint: ', Math.min(HINT_LINES, BASELINE_REPORT_MAX_LINES - lines.length - 1)));
  const how = w.module ? `as ${w.module}` : `from its file${w.moduleNote ? ` (${w.moduleNote})` : ''}`;
  const env = w.envFile ? `, env ${w.envFile}` : '';
  const saved = outPath ? `; profile: ${outPath}` : '';
  const runner = (w.python ?? w.node)?.executable ?? 'its interpreter';
  lines.push(`Ran ${how} in ${w.cwd ?? dirname(w.file)} with ${runner}${env}${saved}`);
  return `${lines.slice(0, BASELINE_REPORT_MAX_LINES).join('\n')}\n`;
}
