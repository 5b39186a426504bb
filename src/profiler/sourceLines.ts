// Source lines for the sites the profile names (a blocking call, a lock's creation), read once per
// file; the analysis shows them and rewrites them in its code change.
import { readFileSync } from 'node:fs';

/** Longer lines are cut: the profile quotes a line, not a minified file. */
export const MAX_LINE_CHARS = 300;

export function sourceLineReader(): (file: string, line: number) => string | null {
  const files = new Map<string, string[] | null>();
  return (file, line) => {
    let lines = files.get(file);
    if (lines === undefined) {
      try {
        lines = readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        lines = null; // gone, unreadable, or not a file (<frozen ...>)
      }
      files.set(file, lines);
    }
    const text = lines?.[line - 1];
    return text === undefined ? null : text.trimEnd().slice(0, MAX_LINE_CHARS);
  };
}
