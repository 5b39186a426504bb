// Turns the engine's progress events into the notification's text ("threads (2 of 3), 14 s"),
// the profile panel's "running" view and log lines.
import type * as vscode from 'vscode';
import type { EngineEvent } from '../profiler/events';
import { formatPlan } from '../profiler/table';
import type { ProfilePanels } from './profilePanel';

export class RunProgress {
  private step = '';

  constructor(
    private readonly progress: vscode.Progress<{ message?: string; increment?: number }>,
    private readonly log: vscode.LogOutputChannel,
    private readonly panels: ProfilePanels,
    private readonly subject: { file: string; functionName: string | null },
  ) {}

  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'strategy-start':
        this.step = `${event.id} (${event.index + 1} of ${event.total})`;
        this.progress.report({ message: this.step });
        this.panels.postRunning({
          type: 'running',
          ...this.subject,
          strategy: event.id,
          done: event.index,
          total: event.total,
        });
        break;
      case 'heartbeat':
        this.progress.report({ message: `${this.step || event.id}, ${Math.round(event.elapsedSeconds)} s` });
        break;
      case 'strategy-end': {
        this.progress.report({ increment: 100 / event.total });
        const wall = event.wallSeconds === null ? '' : `, ${event.wallSeconds.toFixed(2)} s`;
        const speedup = event.speedup === null ? '' : `, ${event.speedup.toFixed(2)}x`;
        this.log.info(`${event.id}: ${event.status}${wall}${speedup}`);
        break;
      }
      case 'log':
        this.log[event.level](event.message);
        break;
      case 'plan':
        this.log.info(formatPlan(event));
        break;
    }
  }
}
