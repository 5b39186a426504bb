// Upper bounds on what a workload can make the profile hold, so that a hostile or unlucky run
// (a 90 MB exception message, a fork bomb's command lines, hours of samples) still gives a profile
// that can be written, read and shown. Every cap that cuts something leaves a note in the profile
// (`StrategyResult.capped`). The Python side applies the same text caps (cp_harness.py).

/** Exception messages (the harness cuts them too, before they reach its result file). */
export const EXCEPTION_MESSAGE_CHARS = 4_000;
export const TRACEBACK_CHARS = 16_000;
/** One process's command line, as read from /proc/PID/cmdline. */
export const COMMAND_LINE_CHARS = 1_000;
/** Thread-state samples kept per strategy; past it, whole sampler ticks are dropped evenly. ~30 bytes
 * of JSON each: 30 MB at most per strategy, far below V8's largest string (~512 MB). */
export const SAMPLES_PER_STRATEGY = 1_000_000;
/** Frames of one Python stack: the innermost are kept (the recorder cuts deeper ones, as
 * cp_tracer.py STACK_DEPTH), and every walk over a stack stops here. */
export const STACK_DEPTH = 4_096;
/** Threads the /proc sampler watches at once (four open files each). */
export const WATCHED_THREADS = 4_000;

/** `text` itself when within `max` characters, else its head and tail around a marker that says how
 * much was cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `\n[... ${text.length - max} characters cut ...]\n`;
  const keep = Math.max(0, max - marker.length);
  const head = Math.ceil(keep / 2);
  return text.slice(0, head) + marker + text.slice(text.length - (keep - head));
}

/** Characters other than tab and newline below 0x20, DEL and the C1 controls (ESC sequences that
 * would move a terminal's cursor or retitle its window): printed as `\xNN`. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g; // eslint-disable-line no-control-regex

/** A string from a profile or a workload, made safe to print on a terminal. */
export function forTerminal(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
