// A CPU loop timed from inside: prints the process's CPU seconds (every thread: the profiler's too) and
// the wall seconds the calls took, start-up and log writing excluded.
function spin(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) % 7;
  return Math.round(x);
}

const n = Number(process.argv[2]);
spin(1000); // compiled before the clock starts
const start = process.hrtime.bigint();
const cpu = process.cpuUsage();
let total = 0;
for (let call = 0; call < 10; call++) total += spin(n / 10);
const used = process.cpuUsage(cpu);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${(used.user + used.system) / 1e6} ${seconds} ${total}\n`);
