// The pyexplain extension: starts `pyexplain serve` for Python files through
// vscode-languageclient and passes the user's settings to it.
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import { findServer } from './serverPath';

/** Server settings, as the server names them in LSP payloads (camelCase). */
const SERVER_KEYS = ['select', 'ignore', 'severity', 'unsafeFixes', 'targetVersion', 'exclude', 'hover.verbosity', 'deferToRuff', 'locale', 'notes'];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

/**
 * Only the settings the user has set (in any scope). Defaults are left out so
 * that `[tool.pyexplain]` in pyproject.toml still applies where the user has
 * not overridden it: the server layers defaults → pyproject.toml → these.
 */
function explicitSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('pyexplain');
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const i = cfg.inspect(key);
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value === undefined || value === null) continue;
    const [head, tail] = key.split('.');
    if (tail === undefined) {
      out[head] = value;
    } else {
      const nested = (out[head] as Record<string, unknown> | undefined) ?? {};
      nested[tail] = value;
      out[head] = nested;
    }
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer({
    env: process.env,
    setting: vscode.workspace.getConfiguration('pyexplain').get<string>('path'),
    bundled: context.asAbsolutePath(process.platform === 'win32' ? 'bin/pyexplain.exe' : 'bin/pyexplain'),
    platform: process.platform,
    home: os.homedir(),
    exists: isFile,
  });
  if (!found.ok) {
    output?.appendLine(found.message);
    const choice = await vscode.window.showErrorMessage(found.message, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'pyexplain.path');
    }
    return;
  }
  output?.appendLine(`Starting ${found.path} serve (found through ${found.source}).`);
  // No `transport` given: stdio without the `--stdio` argument the library would add.
  const serverOptions: ServerOptions = { command: found.path, args: ['serve'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    initializationOptions: { pyexplain: explicitSettings() },
    outputChannel: output,
    middleware: {
      workspace: {
        // Answer the server's configuration pull with the same explicit settings.
        configuration: (params) => params.items.map((item) => (item.section === 'pyexplain' ? explicitSettings() : null)),
      },
    },
  };
  // The id 'pyexplain' makes the library honour `pyexplain.trace.server`.
  client = new LanguageClient('pyexplain', 'pyexplain', serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('pyexplain');
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand('pyexplain.restart', async () => {
      await stop();
      await start(context);
    }),
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('pyexplain.path')) {
        await stop();
        await start(context);
      } else if (e.affectsConfiguration('pyexplain') && client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { pyexplain: explicitSettings() },
        });
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}
