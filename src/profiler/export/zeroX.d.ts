// The part of the 0x package (no type declarations of its own) the flame graph export uses.
declare module '0x/lib/ticks-to-tree' {
  interface Tick {
    name: string;
    type: string;
    kind?: string;
  }
  function ticksToTree(ticks: Tick[][], options: { pathToNodeBinary?: string }): { merged: unknown; unmerged: unknown };
  export = ticksToTree;
}
