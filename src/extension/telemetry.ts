// Optional usage telemetry through @vscode/extension-telemetry: nothing is created, so nothing is
// sent, unless `concurrencyProfiler.telemetry.connectionString` is set; the reporter itself
// follows the user's telemetry level (off, crash, error, all).
import * as vscode from 'vscode';
import { TelemetryReporter } from '@vscode/extension-telemetry';
import { telemetryConnectionString } from './settings';
import type { RunEvent } from './telemetryEvent';

export class Telemetry implements vscode.Disposable {
  private reporter: TelemetryReporter | undefined;
  private readonly configListener: vscode.Disposable;

  constructor() {
    this.reporter = this.createReporter();
    this.configListener = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('concurrencyProfiler.telemetry.connectionString')) return;
      void this.reporter?.dispose();
      this.reporter = this.createReporter();
    });
  }

  sendRun(event: RunEvent): void {
    this.reporter?.sendTelemetryEvent('profileRun', event.properties, event.measurements);
  }

  private createReporter(): TelemetryReporter | undefined {
    const connectionString = telemetryConnectionString();
    return connectionString ? new TelemetryReporter(connectionString) : undefined;
  }

  dispose(): void {
    this.configListener.dispose();
    void this.reporter?.dispose();
  }
}
