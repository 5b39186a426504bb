// Facts about the machine, from systeminformation (works on Linux, macOS and Windows).
import * as os from 'node:os';
import si from 'systeminformation';
import type { Machine } from './profile';

export async function describeMachine(): Promise<Machine> {
  const [cpu, memory, osInfo, graphics] = await Promise.all([
    si.cpu(),
    si.mem(),
    si.osInfo(),
    si.graphics().catch(() => ({ controllers: [] as si.Systeminformation.GraphicsControllerData[] })),
  ]);
  return {
    logicalCores: cpu.cores || os.cpus().length,
    physicalCores: cpu.physicalCores || cpu.cores || os.cpus().length,
    cpuModel: `${cpu.manufacturer} ${cpu.brand}`.trim() || os.cpus()[0]?.model || 'unknown',
    memoryBytes: memory.total,
    os: `${osInfo.distro} ${osInfo.release} (${osInfo.platform} ${osInfo.kernel})`.trim(),
    arch: osInfo.arch || os.arch(),
    gpus: graphics.controllers
      .filter((c) => c.model || c.vendor)
      .map((c) => ({
        vendor: c.vendor ?? '',
        model: c.model ?? '',
        memoryBytes: c.vram ? c.vram * 1024 * 1024 : null,
      })),
  };
}
