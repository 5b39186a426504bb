// Exits once stdout and stderr have drained: a pipe can still hold a large profile (the CLI's
// --out -), and the user's code may keep handles (servers, timers) open (the Node harness).
export function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
