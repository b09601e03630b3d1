// The pyexplain extension: starts `pyexplain serve` for Python files through
// vscode-languageclient and passes the user's settings to it. Commands:
// restart the server, show its log, explain a rule (`pyexplain explain ID`,
// rendered as Markdown in a panel; also a code action on our diagnostics).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import { bundledPath, findServer, ruleOf, SOURCE_WORDS } from './serverPath';

/** Server settings, as the server names them in LSP payloads (camelCase). */
const SERVER_KEYS = ['select', 'ignore', 'severity', 'unsafeFixes', 'targetVersion', 'exclude', 'hover.verbosity', 'deferToRuff', 'locale', 'notes'];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
/** The binary the running server was started from (for `pyexplain explain`). */
let binary: string | undefined;

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

/** Runs the binary with arguments; resolves with stdout, rejects with a message. */
function run(bin: string, args: string[], timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer({
    env: process.env,
    setting: vscode.workspace.getConfiguration('pyexplain').get<string>('path'),
    bundled: bundledPath(context.extensionPath, process.platform),
    platform: process.platform,
    home: os.homedir(),
    exists: isFile,
  });
  if (!found.ok) {
    binary = undefined;
    output?.appendLine(found.message);
    const choice = await vscode.window.showErrorMessage(found.message, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'pyexplain.path');
    }
    return;
  }
  if (found.source === 'bundled' && process.platform !== 'win32') {
    // An archive tool that drops the executable bit must not leave the bundled server unusable.
    try {
      fs.accessSync(found.path, fs.constants.X_OK);
    } catch {
      try {
        fs.chmodSync(found.path, 0o755);
      } catch (e) {
        output?.appendLine(`${found.path} is not executable and could not be made so: ${(e as Error).message}`);
      }
    }
  }
  binary = found.path;
  const version = await run(found.path, ['--version']).then(
    (v) => v.trim(),
    (e: Error) => `version unknown (${e.message})`,
  );
  output?.appendLine(`Starting ${found.path} serve: ${version}, ${SOURCE_WORDS[found.source]}.`);
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

/** The rule to explain: the argument (an id or a diagnostic), else ours at the cursor, else asked for. */
async function pickRule(arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const r = ruleOf(arg as vscode.Diagnostic);
    if (r) return r;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const line = editor.selection.active.line;
    const here = vscode.languages
      .getDiagnostics(editor.document.uri)
      .filter((d) => d.range.start.line <= line && line <= d.range.end.line)
      .map((d) => ruleOf(d))
      .filter((r): r is string => r !== undefined);
    const ids = [...new Set(here)];
    if (ids.length === 1) return ids[0];
    if (ids.length > 1) return vscode.window.showQuickPick(ids, { placeHolder: 'Which pyexplain rule?' });
  }
  return vscode.window.showInputBox({ prompt: 'pyexplain rule or topic id (see `pyexplain rules`)', placeHolder: 'range-len-loop' });
}

const panels = new Map<string, vscode.WebviewPanel>();

/** `pyexplain explain ID`, rendered by VS Code's Markdown renderer in a panel beside the editor. */
async function explainRule(arg: unknown): Promise<void> {
  if (!binary) {
    void vscode.window.showErrorMessage('pyexplain: the server binary was not found, so there is nothing to ask for the explanation.');
    return;
  }
  const id = (await pickRule(arg))?.trim();
  if (!id) return;
  let markdown: string;
  try {
    markdown = await run(binary, ['explain', id]);
  } catch (e) {
    output?.appendLine((e as Error).message);
    void vscode.window.showErrorMessage(`pyexplain: no explanation for ${id}.`);
    return;
  }
  output?.appendLine(`Explained ${id} (${binary} explain ${id}).`);
  let html: string | undefined;
  try {
    html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
  } catch {
    html = undefined;
  }
  if (typeof html !== 'string') {
    // No Markdown extension: show the text itself.
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return;
  }
  let panel = panels.get(id);
  if (!panel) {
    panel = vscode.window.createWebviewPanel('pyexplain.explain', `pyexplain: ${id}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: false,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    const p = panel;
    panels.set(id, p);
    p.onDidDispose(() => panels.delete(id));
  } else {
    panel.reveal(vscode.ViewColumn.Beside, true);
  }
  panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); line-height: 1.5; max-width: 50em; padding: 0 1em; }
code, pre { font-family: var(--vscode-editor-font-family); } pre { padding: .5em; background: var(--vscode-textCodeBlock-background); overflow-x: auto; }</style>
</head><body class="pyexplain-explanation">${html}</body></html>`;
}

/** On each of our diagnostics: "Explain rule ID (pyexplain)". */
const explainActions: vscode.CodeActionProvider = {
  provideCodeActions(_doc, _range, context) {
    const seen = new Set<string>();
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const id = ruleOf(d);
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const a = new vscode.CodeAction(`Explain rule ${id} (pyexplain)`, vscode.CodeActionKind.QuickFix);
      a.diagnostics = [d];
      a.command = { title: a.title, command: 'pyexplain.explainRule', arguments: [id] };
      actions.push(a);
    }
    return actions;
  },
};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('pyexplain');
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand('pyexplain.restart', async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand('pyexplain.showLogs', () => output?.show(true)),
    vscode.commands.registerCommand('pyexplain.explainRule', (arg?: unknown) => explainRule(arg)),
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, explainActions, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
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
