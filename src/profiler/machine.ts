// Facts about the machine, from Node's `os` module and Linux's /proc and /sys: no shell is started
// for them, and the one program that may be (nvidia-smi, for a GPU's memory) runs with a time limit
// beside the probe, so a slow or missing GPU tool never delays a run.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { usableCores } from './cores';
import { killOnExit } from './launcher';
import type { Gpu, Machine } from './profile';

/** nvidia-smi gets this long to say how much memory each GPU has. */
const GPU_TOOL_TIMEOUT_MS = 2_000;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Distinct (package, core) pairs of /proc/cpuinfo; the logical count where it does not say. */
function physicalCores(logical: number): number {
  const info = read('/proc/cpuinfo');
  if (!info) return logical;
  const cores = new Set<string>();
  for (const block of info.split(/\n\s*\n/)) {
    const pkg = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (pkg !== undefined && core !== undefined) cores.add(`${pkg}:${core}`);
  }
  return cores.size || logical;
}

function osName(): string {
  const release = read('/etc/os-release') ?? read('/usr/lib/os-release');
  const pretty = release ? /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1] : undefined;
  return `${pretty ?? os.version()} (${os.platform()} ${os.release()})`;
}

const PCI_VENDORS: Record<string, string> = { '0x10de': 'NVIDIA', '0x1002': 'AMD', '0x8086': 'Intel' };

/** Display controllers (PCI class 0x03) from /sys, with NVIDIA's model name and AMD's VRAM size. */
function linuxGpus(): Gpu[] {
  const gpus: Gpu[] = [];
  const nvidiaModels = list('/proc/driver/nvidia/gpus').map(
    (bus) => /^Model:\s*(.+)$/m.exec(read(join('/proc/driver/nvidia/gpus', bus, 'information')) ?? '')?.[1] ?? '',
  );
  for (const card of list('/sys/class/drm').filter((name) => /^card\d+$/.test(name))) {
    const device = join('/sys/class/drm', card, 'device');
    if (!(read(join(device, 'class')) ?? '').trim().startsWith('0x03')) continue;
    const vendorId = (read(join(device, 'vendor')) ?? '').trim();
    const vendor = PCI_VENDORS[vendorId] ?? vendorId;
    const vram = Number((read(join(device, 'mem_info_vram_total')) ?? '').trim());
    const model =
      vendor === 'NVIDIA' ? (nvidiaModels.shift() ?? '') : (read(join(device, 'product_name'))?.trim() ?? '');
    gpus.push({ vendor, model, memoryBytes: vram > 0 ? vram : null });
  }
  return gpus;
}

/** Each NVIDIA GPU's memory from nvidia-smi (run directly, no shell), or [] if it is missing or slow. */
function nvidiaMemory(): Promise<number[]> {
  return new Promise((resolve) => {
    const child = execFile(
      'nvidia-smi',
      ['--query-gpu=memory.total', '--format=csv,noheader,nounits'],
      { timeout: GPU_TOOL_TIMEOUT_MS, windowsHide: true },
      (error, stdout) =>
        resolve(
          error
            ? []
            : stdout
                .trim()
                .split('\n')
                .map((mib) => Number(mib) * 1024 * 1024),
        ),
    );
    killOnExit(child);
  });
}

export async function describeMachine(): Promise<Machine> {
  const cpus = os.cpus();
  const logical = Math.max(1, cpus.length);
  const usable = usableCores();
  const gpus = process.platform === 'linux' ? linuxGpus() : [];
  if (gpus.some((gpu) => gpu.vendor === 'NVIDIA' && gpu.memoryBytes === null)) {
    const memory = await nvidiaMemory();
    gpus.filter((gpu) => gpu.vendor === 'NVIDIA').forEach((gpu, i) => (gpu.memoryBytes = memory[i] || null));
  }
  return {
    logicalCores: logical,
    physicalCores: physicalCores(logical),
    usableCores: usable.count,
    usableCoresNote: usable.note,
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    memoryBytes: os.totalmem(),
    os: osName(),
    arch: os.arch(),
    gpus,
  };
}
