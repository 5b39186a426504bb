// How a file is planned to run: its dotted name, sys.path and working directory, as `python -m`
// from the project root. Built on layouts in a temporary folder (the interpreter's check of the
// plan is covered by test/integration/project-layouts.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { findMarkedRoot, packageBase, planImport } from '../../src/profiler/project';

/** Makes `files` (paths relative to a fresh folder; a trailing / makes a folder) and returns the folder. */
function layout(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'cp-layout-'));
  for (const file of files) {
    const path = join(root, file);
    if (file.endsWith('/')) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '');
    }
  }
  return root;
}

describe('planImport', () => {
  test('a module in a regular package: dotted name, the package parent and the project root on sys.path', () => {
    const root = layout(['pyproject.toml', 'app/__init__.py', 'app/core/__init__.py', 'app/core/work.py']);
    const plan = planImport(join(root, 'app/core/work.py'));
    assert.deepEqual(plan, {
      cwd: root,
      sysPathAdded: [root],
      sysPathAppended: null,
      module: 'app.core.work',
      moduleNote: null,
    });
  });

  test('a package __init__.py is the package itself', () => {
    const root = layout(['setup.py', 'app/__init__.py']);
    assert.equal(planImport(join(root, 'app/__init__.py')).module, 'app');
  });

  test('a src layout: the package under src/ named from src/, the root and src/ on sys.path, cwd the root', () => {
    const root = layout(['pyproject.toml', 'src/tally/__init__.py', 'src/tally/count.py']);
    const plan = planImport(join(root, 'src/tally/count.py'));
    assert.equal(plan.module, 'tally.count');
    assert.deepEqual(plan.sysPathAdded, [join(root, 'src'), root]);
    assert.equal(plan.cwd, root);
  });

  test('folders without __init__.py under the root are namespace packages; the file folder is appended', () => {
    const root = layout(['.git/', 'tools/bench/run.py']);
    const plan = planImport(join(root, 'tools/bench/run.py'));
    assert.equal(plan.module, 'tools.bench.run');
    assert.deepEqual(plan.sysPathAdded, [root]);
    assert.equal(plan.sysPathAppended, join(root, 'tools/bench'));
  });

  test('a module directly in src/ is named from src/', () => {
    const root = layout(['pyproject.toml', 'src/job.py']);
    const plan = planImport(join(root, 'src/job.py'));
    assert.equal(plan.module, 'job');
    assert.deepEqual(plan.sysPathAdded, [join(root, 'src'), root]);
  });

  test('no project marker and no package: the file folder, as python FILE.py', (t) => {
    const root = layout(['loose/script.py']);
    if (findMarkedRoot(root) !== null) return t.skip(`a project marker above ${tmpdir()}`);
    assert.deepEqual(planImport(join(root, 'loose/script.py')), {
      cwd: join(root, 'loose'),
      sysPathAdded: [join(root, 'loose')],
      sysPathAppended: null,
      module: 'script',
      moduleNote: null,
    });
  });

  test(
    'an explicit project root (the workspace folder) is the cwd; the nearest ' + 'marked root is kept on sys.path',
    () => {
      const root = layout(['services/api/pyproject.toml', 'services/api/svc/__init__.py', 'services/api/svc/h.py']);
      const plan = planImport(join(root, 'services/api/svc/h.py'), root);
      assert.equal(plan.cwd, root);
      assert.equal(plan.module, 'svc.h');
      assert.deepEqual(plan.sysPathAdded, [join(root, 'services/api'), root]);
    },
  );

  test('file names that are not identifiers keep their name (python -m accepts them); a dot does not', () => {
    const root = layout(['pyproject.toml', 'my-script.py', 'v1.2/job.py', 'notes.txt']);
    assert.equal(planImport(join(root, 'my-script.py')).module, 'my-script');
    const dotted = planImport(join(root, 'v1.2/job.py'));
    assert.equal(dotted.module, null);
    assert.match(dotted.moduleNote!, /"v1\.2" has a dot in its name/);
    const text = planImport(join(root, 'notes.txt'));
    assert.equal(text.module, null);
    assert.match(text.moduleNote!, /does not end in \.py/);
  });
});

describe('project roots', () => {
  test('the nearest marker wins; .git may be a file (a worktree)', () => {
    const root = layout(['.git', 'inner/setup.cfg', 'inner/deep/x.py']);
    assert.equal(findMarkedRoot(join(root, 'inner/deep')), join(root, 'inner'));
    assert.equal(findMarkedRoot(root), root);
  });
  test('packageBase is the parent of the topmost contiguous package', () => {
    const root = layout(['a/__init__.py', 'a/b/__init__.py', 'a/b/c/x.py', 'loose/x.py']);
    assert.equal(packageBase(join(root, 'a/b')), root);
    assert.equal(packageBase(join(root, 'a/b/c')), null);
    assert.equal(packageBase(join(root, 'loose')), null);
  });
});
