// Columns of numbers kept in typed arrays that grow by doubling: the sampler's raw samples and the
// webview's flame-chart runs hold up to millions of entries without churning the garbage collector.

export type NumberColumn = Float64Array | Int32Array | Uint8Array;

/** A column of the same type, twice as long, starting with `column`'s values (the rest zeros). */
export function doubled<T extends NumberColumn>(column: T): T {
  const next = new (column.constructor as new (length: number) => T)(column.length * 2);
  next.set(column);
  return next;
}
