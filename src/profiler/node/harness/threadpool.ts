// libuv starts all of its pool threads at the first request that needs the pool. Making one
// (a stat of the user's file) before the user's code runs tells the pool's threads apart from the
// threads Node started at boot, and keeps the pool's start-up out of the tasks' clock.
import { stat } from 'node:fs';

export function initThreadpool(file: string): Promise<void> {
  return new Promise((resolve) => stat(file, () => resolve()));
}
