// Language server for Python, JavaScript and TypeScript files: serves the "Profile concurrency"
// CodeLenses. Started by the extension over IPC. Parsing happens per lens request on the synced
// text, so a lens is never computed from a stale tree.
import {
  CodeLensRefreshRequest,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lensesFor } from './lenses';
import { outlineFor } from './outline';
import { RunResults } from './runResults';
import { RunResultNotification, SettingsNotification, type ServerInitOptions } from '../shared/serverProtocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const results = new RunResults();
let codeLensEnabled = true;
let canRefreshLenses = false;

connection.onInitialize((params) => {
  const options = params.initializationOptions as Partial<ServerInitOptions> | undefined;
  codeLensEnabled = options?.codeLensEnabled ?? true;
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
    },
  };
});

connection.onCodeLens(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  if (!codeLensEnabled || !document) return [];
  const text = document.getText();
  return lensesFor(textDocument.uri, outlineFor(document.languageId, text), results.forText(textDocument.uri, text));
});

async function refreshLenses(): Promise<void> {
  if (canRefreshLenses) await connection.sendRequest(CodeLensRefreshRequest.type);
}

connection.onNotification(RunResultNotification, async (result) => {
  results.record(result);
  await refreshLenses();
});

connection.onNotification(SettingsNotification, async (settings) => {
  codeLensEnabled = settings.codeLensEnabled;
  await refreshLenses();
});

documents.listen(connection);
connection.listen();
