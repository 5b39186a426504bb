// The `--args` expression the input box starts with: eight calls with a guess for each required
// positional parameter, from its annotation or its name. The user sees and edits it before the run.
import type { PythonFunction, PythonParameter } from '../server/pythonOutline';

const DEFAULT_TASKS = 8;

const VALUE_BY_ANNOTATION: Record<string, string> = {
  int: '100_000',
  float: '0.1',
  str: "'x' * 1_000",
  bytes: "b'x' * 1_000_000",
  bytearray: 'bytearray(1_000_000)',
  bool: 'True',
  list: 'list(range(1_000))',
  List: 'list(range(1_000))',
  Sequence: 'list(range(1_000))',
  Iterable: 'list(range(1_000))',
  tuple: 'tuple(range(1_000))',
  dict: '{}',
  Dict: '{}',
};

/** Names that usually mean a duration in seconds (an I/O or sleep-bound function). */
const DURATION_NAME = /^(seconds?|secs?|delay|duration|timeout|interval|wait)$|_(seconds?|secs?|delay|timeout)$/;

export function defaultArgsExpression(fn: PythonFunction): string {
  const required = fn.parameters.filter((p) => p.kind === 'positional' && p.defaultValue === null);
  if (required.length === 0) return `[()] * ${DEFAULT_TASKS}`;
  const values = required.map(guessValue);
  return `[(${values.join(', ')},)] * ${DEFAULT_TASKS}`;
}

function guessValue(parameter: PythonParameter): string {
  const annotation = parameter.annotation ? baseType(parameter.annotation) : null;
  if (annotation && annotation in VALUE_BY_ANNOTATION) return VALUE_BY_ANNOTATION[annotation];
  if (DURATION_NAME.test(parameter.name)) return '0.1';
  // Most functions people time take a size or a count.
  return '100_000';
}

/** `Optional[int]` -> `int`, `list[str]` -> `list`, `typing.Sequence[int]` -> `Sequence`. */
function baseType(annotation: string): string {
  const optional = /^(?:typing\.)?Optional\[(.*)\]$/.exec(annotation);
  const inner = optional ? optional[1] : annotation.split('|')[0];
  return inner
    .trim()
    .replace(/\[.*$/, '')
    .replace(/^typing\./, '');
}

/** Node's `--args`: the same guesses as a JavaScript array per call, from TypeScript types or names
 * (a duration is in milliseconds there). */
export function defaultJavaScriptArgs(fn: PythonFunction): string {
  const required = fn.parameters.filter((p) => p.kind === 'positional' && p.defaultValue === null);
  return `Array(${DEFAULT_TASKS}).fill([${required.map(guessJavaScriptValue).join(', ')}])`;
}

const JAVASCRIPT_VALUE_BY_TYPE: Record<string, string> = {
  number: '100_000',
  bigint: '100_000n',
  string: "'x'.repeat(1_000)",
  boolean: 'true',
  Buffer: 'Buffer.alloc(1_000_000)',
  Uint8Array: 'new Uint8Array(1_000_000)',
};

function guessJavaScriptValue(parameter: PythonParameter): string {
  const type = parameter.annotation?.split('|')[0]!.trim().replace(/<.*$/, '') ?? null;
  if (type && type in JAVASCRIPT_VALUE_BY_TYPE) return JAVASCRIPT_VALUE_BY_TYPE[type]!;
  if (type && /\[\]$|^Array$/.test(type)) return 'Array.from({ length: 1_000 }, (_, i) => i)';
  if (DURATION_NAME.test(parameter.name) || /Ms$/.test(parameter.name)) return '100';
  return '100_000';
}
