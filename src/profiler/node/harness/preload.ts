// Loaded with `-r` into every isolate of a Node run (main thread, worker threads, forked children):
// compiles a function whose name carries this thread's pid, native tid and the monotonic clock in
// ns. Its code-creation record in the isolate's V8 tick log (--prof) is stamped with the log's own
// clock, so the engine can place every tick of that log on the thread and on the engine's clock.
import { readlinkSync } from 'node:fs';

const ns = process.hrtime.bigint();
let tid = process.pid;
try {
  tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
} catch {
  // no /proc (macOS, Windows): the ticks still land on the process, not on a thread
}
(new Function(`return function __cp_clock_${process.pid}_${tid}_${ns}() {}`)() as () => void)();
