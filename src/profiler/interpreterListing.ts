// `concurrency-profiler interpreters`: every interpreter the finder sees, what it is, and which
// ones `--interpreters auto` and the default would measure. The extension's "Compare
// interpreters..." pick reads it with --json.
import { homedir } from 'node:os';
import { currentFinderEnvironment, findInterpreters, interpreterIdentity } from './interpreterFinder';
import { interpreterBaseName, selectInterpreters, uniqueNames } from './interpreters';
import { aboutInterpreter, newEnough, type InterpreterAbout } from './python';

export interface ListedInterpreter {
  name: string | null;
  executable: string;
  source: string;
  about: InterpreterAbout | null;
  /** Why it cannot be measured (too old, does not run), or null. */
  unusable: string | null;
  /** `--interpreters auto` would measure it. */
  auto: boolean;
  /** The default (no --interpreters) would measure it. */
  byDefault: boolean;
}

export interface InterpreterListing {
  main: { name: string; about: InterpreterAbout } | null;
  mainError: string | null;
  found: ListedInterpreter[];
}

export async function listInterpreters(mainPython: string, known: string[] = []): Promise<InterpreterListing> {
  const cache = new Map<string, Promise<InterpreterAbout>>();
  const about = (executable: string): Promise<InterpreterAbout> => {
    let answer = cache.get(executable);
    if (!answer) cache.set(executable, (answer = aboutInterpreter(executable)));
    return answer;
  };
  let main: InterpreterAbout;
  try {
    main = await about(mainPython);
  } catch (error) {
    return { main: null, mainError: (error as Error).message, found: [] };
  }
  const finder = currentFinderEnvironment(homedir());
  const candidates = [
    ...findInterpreters(finder),
    ...known.map((executable) => ({ executable, source: 'Python extension' })),
  ];
  const answers = await Promise.all(
    candidates.map((c) =>
      about(c.executable).then(
        (info) => ({ ...c, info, error: null as string | null }),
        (error: Error) => ({ ...c, info: null, error: error.message }),
      ),
    ),
  );
  const picked = async (kind: 'auto' | 'default'): Promise<Set<string>> => {
    const request = kind === 'auto' ? { kind: 'list' as const, items: ['auto'] } : { kind: 'default' as const };
    const { chosen } = await selectInterpreters(request, main, { known, finder, about });
    return new Set(chosen.map((c) => interpreterIdentity(c.executable)));
  };
  const [auto, byDefault] = await Promise.all([picked('auto'), picked('default')]);
  const mainIdentity = interpreterIdentity(main.executable);
  const usable = answers.filter((a) => a.info && newEnough(a.info.version));
  const names = uniqueNames([main, ...usable.map((a) => a.info!)].map(interpreterBaseName));
  const found = answers
    .filter((a) => interpreterIdentity(a.executable) !== mainIdentity)
    .map((a): ListedInterpreter => {
      const index = usable.indexOf(a);
      const identity = interpreterIdentity(a.executable);
      return {
        name: index >= 0 ? names[index + 1]! : null,
        executable: a.executable,
        source: a.source,
        about: a.info,
        unusable:
          a.error ?? (a.info && !newEnough(a.info.version) ? `Python ${a.info.version} is older than 3.8` : null),
        auto: auto.has(identity),
        byDefault: byDefault.has(identity),
      };
    });
  return { main: { name: names[0]!, about: main }, mainError: null, found };
}

export function formatInterpreterListing(listing: InterpreterListing): string {
  if (!listing.main) return `The main interpreter does not run: ${listing.mainError}\n`;
  const lines = [`main: ${listing.main.name} ${listing.main.about.executable}`];
  for (const f of listing.found) {
    const what = f.about
      ? `${f.about.implementation} ${f.about.version}${f.about.freeThreaded ? ' free-threaded' : ''}`
      : 'unknown';
    const marks = [f.byDefault ? 'default' : '', f.auto ? 'auto' : ''].filter(Boolean).join(', ');
    lines.push(
      `${(f.name ?? '-').padEnd(14)} ${what.padEnd(26)} ${f.source.padEnd(16)} ` +
        `${f.executable}${marks ? `  [${marks}]` : ''}${f.unusable ? `  (${f.unusable})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
