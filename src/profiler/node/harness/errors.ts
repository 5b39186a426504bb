// Errors as the profile shows them: the user's frames only (the harness's and Node's internals
// removed), the way Node prints an uncaught error.
import type { ErrorDetail } from '../../profile';

/** Skipped and reported as `skipped`: the strategy does not apply to this function. */
export class Skip extends Error {}

function isHidden(line: string): boolean {
  return line.includes(__dirname) || line.includes('node:internal') || line.includes('(node:');
}

export function errorDetail(error: unknown): ErrorDetail {
  if (!(error instanceof Error)) {
    const text = `Uncaught ${typeof error === 'string' ? JSON.stringify(error) : String(error)}`;
    return { type: 'Error', message: text, traceback: text };
  }
  const lines = (error.stack ?? `${error.name}: ${error.message}`).split('\n');
  const traceback = lines.filter((line) => !/^\s+at /.test(line) || !isHidden(line)).join('\n');
  return { type: error.name || 'Error', message: error.message, traceback: `${traceback}\n` };
}

/** A SyntaxError from loading: `SyntaxError: message` and where, as Node's loader reported it. */
export function syntaxErrorMessage(error: SyntaxError): string {
  const stack = error.stack ?? '';
  const head = stack.slice(0, stack.indexOf('SyntaxError')).trim();
  return head ? `SyntaxError: ${error.message}\n${head}` : `SyntaxError: ${error.message}`;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
