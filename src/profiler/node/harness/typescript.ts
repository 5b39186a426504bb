// TypeScript for the Node harness: .ts/.mts/.cts files are stripped of their types and turned into
// CommonJS by sucrase (pure JavaScript: no native binary ships), keeping line numbers, so stacks
// and source heat point at the user's own lines. `import './x.js'` finds x.ts, as tsc allows.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { transform } from 'sucrase';

const EXTENSIONS = ['.ts', '.mts', '.cts'];

interface CompilableModule {
  _compile(code: string, filename: string): void;
}

type Resolver = (request: string, parent: { filename?: string } | null, ...rest: unknown[]) => string;

export function register(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, (m: CompilableModule, f: string) => void> })
    ._extensions;
  for (const ext of EXTENSIONS) {
    extensions[ext] = (module, filename) => {
      const { code } = transform(readFileSync(filename, 'utf8'), {
        transforms: ['typescript', 'imports'],
        filePath: filename,
        keepUnusedImports: false,
      });
      module._compile(code, filename);
    };
  }
  const internals = Module as unknown as { _resolveFilename: Resolver };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (error) {
      const fromTypeScript = EXTENSIONS.some((ext) => parent?.filename?.endsWith(ext));
      const js = /\.(c|m)?js$/.exec(request);
      if (!fromTypeScript || !js) throw error;
      return resolve.call(this, `${request.slice(0, -js[0].length)}.${js[1] ?? ''}ts`, parent, ...rest);
    }
  };
}
