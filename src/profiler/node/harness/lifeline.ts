// The lifeline: the engine holds the other end of a pipe on fd 3 (src/profiler/launcher.ts). When
// the engine dies the pipe closes, and the harness ends its whole process group: no workload
// outlives its engine. (Read on the event loop: a loop blocked by synchronous code notices once it
// turns; the engine's own exit hook kills the group in every way it can still run code.)
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';

export function watchLifeline(fd: number): void {
  try {
    fstatSync(fd);
  } catch {
    return; // run by hand, without an engine
  }
  const pipe = new Socket({ fd, readable: true, writable: false });
  const end = () => {
    try {
      process.kill(-process.pid, 'SIGKILL'); // the harness leads its process group
    } catch {
      process.exit(137);
    }
  };
  pipe.on('end', end);
  pipe.on('error', end);
  pipe.resume();
  pipe.unref(); // it must not keep a finished script's loop alive
}
