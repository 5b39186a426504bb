// Environment files (`--env-file`, VS Code's `python.envFile`), read by the rules of the Python
// extension for VS Code so a run sees what "Run Python File" there sees: `NAME=value` lines (an
// `export ` prefix is allowed), other lines ignored; a value wholly in single or double quotes
// loses them and has `\n` turned into a newline; `${NAME}` takes an earlier variable of the file,
// else the environment, else ""; `\$` is a literal `$`. The file's variables override the
// environment, except PATH and PYTHONPATH, whose values go before the environment's.
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { UsageError } from './python';

const LINE = /^\s*(?:export\s+)?([a-zA-Z]\w*)\s*=\s*(.*?)?\s*$/;
const REFERENCE = /\$\{([a-zA-Z]\w*)?([^}\w].*?)?\}/g;
const PREPENDED = ['PATH', 'PYTHONPATH'];

function unquote(value: string): string {
  const quote = value[0];
  if (value.length >= 2 && (quote === '"' || quote === "'") && value.endsWith(quote))
    return value.slice(1, -1).replace(/\\n/g, '\n');
  return value;
}

function substitute(value: string, local: Record<string, string>, base: NodeJS.ProcessEnv): string {
  let invalid = false;
  const replaced = value.replace(
    REFERENCE,
    (match, name: string | undefined, bogus: string | undefined, offset: number) => {
      if (offset > 0 && value[offset - 1] === '\\') return match;
      if (bogus || !name) {
        invalid = true;
        return match;
      }
      return local[name] || base[name] || '';
    },
  );
  return (invalid ? value : replaced).replace(/\\\$/g, '$');
}

/** The variables a file defines, in the order given (later lines win). */
export function parseEnvFile(text: string, base: NodeJS.ProcessEnv): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    variables[match[1]!] = substitute(unquote(match[2] ?? ''), variables, base);
  }
  return variables;
}

/** `base` with the file's variables applied. */
export function mergeEnv(variables: Record<string, string>, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...base, ...variables };
  for (const name of PREPENDED) {
    if (variables[name] !== undefined && base[name]) merged[name] = `${variables[name]}${delimiter}${base[name]}`;
  }
  return merged;
}

/** The environment of a run: `base` with `path`'s variables, or a UsageError naming the file. */
export function environmentWith(path: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the environment file ${path}: ${(error as Error).message}`);
  }
  return mergeEnv(parseEnvFile(text, base), base);
}
