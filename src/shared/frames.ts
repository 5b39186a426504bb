// Whose code a frame is, from its file path alone, so that the same profile reads the same on any
// machine: the user's own code, a library (the standard library, installed packages), or the
// runtime that runs the tasks (the harness, threading, concurrent.futures, asyncio,
// multiprocessing), which "just my code" views fold into one RUNTIME_FRAME.

export type FrameOrigin = 'user' | 'library' | 'runtime';

/** The name of the frame that stands for a run of runtime frames in "just my code" views. */
export const RUNTIME_FRAME = '[runtime]';

/** A standard-library folder: lib/python3.11/, lib64/pypy3.10/, lib/python3.13t/, Lib\ on Windows. */
const STDLIB_DIR = /[\\/](?:lib(?:64)?[\\/](?:python|pypy)[\d.]*t?|Lib)[\\/]/;
const PACKAGES_DIR = /[\\/](?:site|dist)-packages[\\/]/;
/** Standard-library modules that hand tasks to threads, processes and event loops. */
const RUNTIME_MODULE =
  /(?:^|[\\/])(?:threading|queue|selectors|runpy|(?:concurrent[\\/]futures|asyncio|multiprocessing)[\\/][^\\/]+)\.py$/;
/** The engine's own Python files (src/profiler/python/cp_*.py). */
const HARNESS_FILE = /(?:^|[\\/])cp_(?:harness|worker|tracer|probe)\.py$/;

export function frameOrigin(file: string): FrameOrigin {
  if (HARNESS_FILE.test(file)) return 'runtime';
  if (file.startsWith('<frozen ')) return /<frozen (?:runpy|threading)>/.test(file) ? 'runtime' : 'library';
  if (file.startsWith('<')) return 'library'; // <string>, <stdin>: code without a file
  if (PACKAGES_DIR.test(file)) return 'library';
  if (STDLIB_DIR.test(file)) return RUNTIME_MODULE.test(file) ? 'runtime' : 'library';
  return 'user';
}

/** The profiled file is the user's wherever it lives; any other file by its path. */
export function isUserFrame(file: string, workloadFile: string | null): boolean {
  return file === workloadFile || frameOrigin(file) === 'user';
}
