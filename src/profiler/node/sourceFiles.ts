// Which files run on Node: JavaScript and TypeScript by extension. Small and free of the engine's
// modules, so the extension host can ask it too.
const SOURCE = /\.(js|mjs|cjs|ts|mts|cts)$/i;

export function isNodeSource(file: string): boolean {
  return SOURCE.test(file);
}
