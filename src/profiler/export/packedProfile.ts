// A binary container for big profiles in the standalone report: the profile's JSON without the
// sample columns, then the columns as little-endian typed arrays, each int column as narrow as its
// values allow, times as differences of whole microseconds (Int32) when that is exact, else
// Float64. Differences of sorted times are small and repetitive: gzip shrinks them to little.
// Parsing a million samples as JSON numbers takes the browser hundreds of ms;
// viewing bytes as typed arrays takes a fraction. Pure (no Node APIs), so the webview bundles
// the decoder. The report gzips the whole container.
import type { Profile, Samples } from '../profile';

const MAGIC = 0x31505043; // "CPP1"
const INT_COLUMNS = ['thread', 'core', 'state', 'stack', 'inTask'] as const;
type IntWidth = 1 | 2 | 4;
const INT_ARRAY = { 1: Int8Array, 2: Int16Array, 4: Int32Array } as const;

/** Bytes per value of each int column of one strategy, in INT_COLUMNS order. */
type Widths = IntWidth[];

/**
 * Times in ms with at most 3 decimals (the engine writes 2), from 0 to 35 minutes, are stored as
 * Int32 microseconds: round(t * 1000) / 1000 is then the very double that was written, and the
 * difference of two of them fits an Int32. Others stay Float64.
 */
function timesInMicroseconds(t: number[]): boolean {
  for (const v of t) if (Math.round(v * 1000) / 1000 !== v || v < 0 || v * 1000 >= 2 ** 31) return false;
  return true;
}

function widthFor(values: number[]): IntWidth {
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min >= -128 && max <= 127) return 1;
  if (min >= -32768 && max <= 32767) return 2;
  return 4;
}

const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Where each column of a block of n samples starts: t first, then the ints, each aligned. */
function layout(start: number, n: number, widths: Widths, micros: boolean): { t: number; ints: number[]; end: number } {
  let offset = start + (micros ? 4 : 8) * n;
  const ints = widths.map((w) => {
    offset = align(offset, w);
    const at = offset;
    offset += w * n;
    return at;
  });
  return { t: start, ints, end: align(offset, 8) };
}

export function packProfile(profile: Profile): Uint8Array {
  const counts = profile.strategies.map((s) => s.samples.t.length);
  const widths = profile.strategies.map((s) => INT_COLUMNS.map((c) => widthFor(s.samples[c])));
  const micros = profile.strategies.map((s) => timesInMicroseconds(s.samples.t));
  const skeleton: Profile = {
    ...profile,
    strategies: profile.strategies.map((s) => ({
      ...s,
      samples: { t: [], thread: [], core: [], state: [], stack: [], inTask: [] },
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify({ profile: skeleton, counts, widths, micros }));
  const layouts: ReturnType<typeof layout>[] = [];
  let block = align(8 + json.length, 8);
  for (let k = 0; k < counts.length; k++) {
    layouts.push(layout(block, counts[k]!, widths[k]!, micros[k]!));
    block = layouts[k]!.end;
  }
  const bytes = new Uint8Array(block);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  profile.strategies.forEach((s, k) => {
    const n = counts[k]!;
    const at = layouts[k]!;
    if (micros[k]) {
      const t = new Int32Array(bytes.buffer, at.t, n);
      let previous = 0;
      s.samples.t.forEach((v, i) => {
        const micros = Math.round(v * 1000);
        t[i] = micros - previous;
        previous = micros;
      });
    } else new Float64Array(bytes.buffer, at.t, n).set(s.samples.t);
    INT_COLUMNS.forEach((column, c) =>
      new INT_ARRAY[widths[k]![c]!](bytes.buffer, at.ints[c]!, n).set(s.samples[column]),
    );
  });
  return bytes;
}

/**
 * The profile back from packProfile's bytes. With `typedColumns` the sample columns stay typed
 * arrays over `buffer` (no copy: a 1M-sample profile takes ~12 MB instead of ~40 MB as arrays);
 * they are read-only views, for readers that only index them (the webview).
 */
export function unpackProfile(buffer: ArrayBuffer, options: { typedColumns?: boolean } = {}): Profile {
  const typed = options.typedColumns ?? false;
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a packed profile');
  const jsonLength = view.getUint32(4, true);
  const { profile, counts, widths, micros } = JSON.parse(
    new TextDecoder().decode(new Uint8Array(buffer, 8, jsonLength)),
  ) as {
    profile: Profile;
    counts: number[];
    widths: Widths[];
    micros: boolean[];
  };
  let block = align(8 + jsonLength, 8);
  profile.strategies.forEach((s, k) => {
    const n = counts[k]!;
    const at = layout(block, n, widths[k]!, micros[k]!);
    const times = micros[k] ? millisecondsOf(new Int32Array(buffer, at.t, n)) : new Float64Array(buffer, at.t, n);
    const samples = { t: typed ? times : toArray(times) } as unknown as Samples;
    INT_COLUMNS.forEach((column, c) => {
      const values = new INT_ARRAY[widths[k]![c]!](buffer, at.ints[c]!, n);
      samples[column] = typed ? (values as unknown as number[]) : toArray(values);
    });
    s.samples = samples;
    block = at.end;
  });
  return profile;
}

/** Times in ms back from differences of microseconds. */
function millisecondsOf(differences: Int32Array): Float64Array {
  const out = new Float64Array(differences.length);
  let micros = 0;
  for (let i = 0; i < differences.length; i++) {
    micros += differences[i]!;
    out[i] = micros / 1000;
  }
  return out;
}

/**
 * A plain loop: Array.from goes through the iterator protocol and is many times slower. The array
 * is sized and filled first: pushing is slow, and a sized but unfilled array stays "holey", which
 * makes every later read of it slower.
 */
function toArray(typed: Float64Array | Int32Array | Int16Array | Int8Array): number[] {
  const out = new Array<number>(typed.length).fill(0);
  for (let i = 0; i < typed.length; i++) out[i] = typed[i]!;
  return out;
}
