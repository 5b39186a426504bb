// The last run result per function, shown only while the file's text is the one that was
// measured: any edit (or a change on disk) hides it, and undoing the edit brings it back.
import { createHash } from 'node:crypto';
import type { RunResult } from '../shared/serverProtocol';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class RunResults {
  private readonly byFile = new Map<string, Map<string, RunResult>>();

  record(result: RunResult): void {
    let byFunction = this.byFile.get(result.uri);
    if (!byFunction) {
      byFunction = new Map();
      this.byFile.set(result.uri, byFunction);
    }
    byFunction.set(result.functionName, result);
  }

  /** Results for `uri` that were measured on `currentText`, by function name. */
  forText(uri: string, currentText: string): ReadonlyMap<string, RunResult> {
    const byFunction = this.byFile.get(uri);
    if (!byFunction) return new Map();
    const hash = sha256(currentText);
    return new Map([...byFunction].filter(([, result]) => result.textSha256 === hash));
  }
}
