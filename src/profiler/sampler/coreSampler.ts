// Per-core utilisation over time from /proc/stat, kept open and read at a low rate (a read is only
// meaningful over >= 100 ms of jiffies). Without /proc (macOS, Windows) Node's os.cpus() gives the
// same per-core times.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { cpus } from 'node:os';

const BUFFER = Buffer.alloc(16384);

interface CoreTimes {
  busy: number;
  total: number;
}

function readCores(fd: number): CoreTimes[] {
  const n = readSync(fd, BUFFER, 0, BUFFER.length, 0);
  const cores: CoreTimes[] = [];
  for (const line of BUFFER.toString('latin1', 0, n).split('\n')) {
    if (!/^cpu\d/.test(line)) continue;
    // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
    const v = line.split(/\s+/).slice(1, 9).map(Number);
    const idle = v[3]! + v[4]!;
    const total = v.reduce((a, b) => a + b, 0);
    cores[Number(line.slice(3, line.indexOf(' ')))] = { busy: total - idle, total };
  }
  return cores;
}

function cpusTimes(): CoreTimes[] {
  return cpus().map(({ times }) => ({
    busy: times.user + times.nice + times.sys + times.irq,
    total: times.user + times.nice + times.sys + times.irq + times.idle,
  }));
}

export class CoreSampler {
  /** [core][tick] busy fraction. */
  readonly busy: number[][] = [];
  /** [tick] share of one core this process (the engine and its samplers) used: it is on the
   * cores too, and is not the other programs' load. */
  readonly profiler: number[] = [];
  startMs = 0;
  private fd = -1;
  private last: CoreTimes[] = [];
  private lastCpu = process.cpuUsage();
  private lastMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly intervalMs: number,
    private readonly t0: bigint,
  ) {}

  start(): void {
    if (existsSync('/proc/stat')) this.fd = openSync('/proc/stat', 'r');
    this.last = this.read();
    this.lastCpu = process.cpuUsage();
    this.startMs = Number(process.hrtime.bigint() - this.t0) / 1e6;
    this.lastMs = this.startMs;
    for (let c = 0; c < this.last.length; c++) this.busy.push([]);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private read(): CoreTimes[] {
    return this.fd >= 0 ? readCores(this.fd) : cpusTimes();
  }

  private tick(): void {
    const now = this.read();
    // A busy machine runs this timer late: the reading then stands for every interval it spans, so
    // reading k keeps covering the k-th interval since the start and thread samples land on theirs.
    const nowMs = Number(process.hrtime.bigint() - this.t0) / 1e6;
    const elapsedMs = nowMs - this.startMs;
    const due = Math.floor(elapsedMs / this.intervalMs) - (this.busy[0]?.length ?? 0);
    const cpu = process.cpuUsage();
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const own = nowMs > this.lastMs ? Math.max(0, usedMs / (nowMs - this.lastMs)) : 0;
    for (let k = 0; k < Math.max(1, due); k++) this.profiler.push(own);
    this.lastCpu = cpu;
    this.lastMs = nowMs;
    now.forEach((core, c) => {
      const before = this.last[c];
      const total = before ? core.total - before.total : 0;
      const share = total > 0 ? Math.min(1, Math.max(0, (core.busy - before!.busy) / total)) : 0;
      for (let k = 0; k < Math.max(1, due); k++) this.busy[c]?.push(share);
    });
    this.last = now;
  }
}
