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
