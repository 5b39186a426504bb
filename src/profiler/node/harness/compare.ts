// Results against the serial baseline. Every strategy's results go through the V8 serializer (what
// postMessage and advanced IPC use) before they are compared, so that a structured clone of a value
// equals the value: a class instance and its plain-object clone compare by their data.
import { readFileSync, writeFileSync } from 'node:fs';
import { inspect, isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import type { FirstDifference } from '../../profile';

const REPR_LIMIT = 300;

type Baseline = { kind: 'v8'; values: unknown[] } | { kind: 'inspect'; values: string[] };

function show(value: unknown): string {
  const text = inspect(value, { depth: 4, breakLength: Infinity });
  return text.length <= REPR_LIMIT ? text : `${text.slice(0, REPR_LIMIT - 3)}...`;
}

function cloned(values: unknown[]): unknown[] | null {
  try {
    return deserialize(serialize(values)) as unknown[];
  } catch {
    return null; // functions, symbols: not serializable
  }
}

export function saveBaseline(path: string, results: unknown[]): void {
  const values = cloned(results);
  // Values the serializer refuses are compared by their inspect() text.
  writeFileSync(
    path,
    values ? serialize({ kind: 'v8', values }) : serialize({ kind: 'inspect', values: results.map(show) }),
  );
}

export function compareWithBaseline(
  path: string,
  results: unknown[],
): { match: boolean | null; firstDifference: FirstDifference | null } {
  let baseline: Baseline;
  try {
    baseline = deserialize(readFileSync(path)) as Baseline;
  } catch {
    return { match: null, firstDifference: null };
  }
  if (baseline.values.length !== results.length) {
    return {
      match: false,
      firstDifference: {
        task: Math.min(baseline.values.length, results.length),
        expected: `${baseline.values.length} results`,
        actual: `${results.length} results`,
      },
    };
  }
  const actual = baseline.kind === 'v8' ? cloned(results) : null;
  for (let task = 0; task < results.length; task++) {
    const want = baseline.values[task];
    const same =
      baseline.kind === 'v8' ? actual !== null && isDeepStrictEqual(want, actual[task]) : want === show(results[task]);
    if (!same)
      return {
        match: false,
        firstDifference: {
          task,
          expected: baseline.kind === 'v8' ? show(want) : String(want),
          actual: show(results[task]),
        },
      };
  }
  return { match: true, firstDifference: null };
}

/** V8-serialized size of a value: what a structured clone copies. Throws DataCloneError like postMessage. */
export function serializedSize(value: unknown): number {
  return serialize(value).length;
}
