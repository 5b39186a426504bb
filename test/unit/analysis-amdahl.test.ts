// The Amdahl fit recovers a known serial fraction and projects with the stated caps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amdahl, fitSerialFraction, projectOnCores } from '../../src/profiler/analysis/amdahl';
import { collectFacts } from '../../src/profiler/analysis/facts';
import { profile } from './analysis-builders';

test('fitSerialFraction recovers s from exact Amdahl points', () => {
  const s = 0.15;
  const points = [2, 4, 8].map((p) => ({ p, speedup: amdahl(s, p) }));
  assert.ok(Math.abs(fitSerialFraction(points)! - s) < 1e-9);
});

test('fitSerialFraction ignores p = 1 points, clamps, and is null without data', () => {
  assert.equal(fitSerialFraction([{ p: 1, speedup: 1 }]), null);
  assert.equal(fitSerialFraction([{ p: 2, speedup: 0.5 }]), 1, 'slower than serial: all serial');
  assert.equal(fitSerialFraction([{ p: 2, speedup: 2.5 }]), 0, 'superlinear: clamped to 0');
});

test('projectOnCores: 1.73x on 2 cores projects ~2.7x at 4 and is capped by the task count', () => {
  const f = collectFacts(
    profile({ tasks: 8, strategies: [{ id: 'serial' }, { id: 'processes-fork', speedup: 1.73 }] }),
  );
  const proj = projectOnCores(f, f.processes)!;
  const s = 1 / 1.73 / 0.5 - 1; // from 1/S = s + (1 - s)/2
  assert.equal(proj.cores2x, Math.round(amdahl(s, 4) * 100) / 100);
  assert.equal(proj.cores4x, Math.round(amdahl(s, 8) * 100) / 100);
  assert.match(proj.model, /serial fraction 0\.16/);
  const few = collectFacts(
    profile({ tasks: 4, strategies: [{ id: 'serial' }, { id: 'processes-fork', speedup: 1.73 }] }),
  );
  const capped = projectOnCores(few, few.processes)!;
  assert.equal(capped.cores4x, capped.cores2x, '4 tasks cannot use more than 4 cores');
  assert.match(capped.assumptions, /Capped by the 4 tasks/);
});
