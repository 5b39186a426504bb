// The reliability suite: every failure class of issue 12 on real processes (lifecycle.ts), fuzzing
// of the profile loader and of the webview message handler (fuzz.ts), and a soak of consecutive
// profiles in one engine process (soak.ts). One file, so that the totals are printed once, at the end.
import { after } from 'node:test';
import { printTally } from './tally';
import './lifecycle';
import './fuzz';
import './soak';

after(printTally);
