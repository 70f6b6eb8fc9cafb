// The dashboard page (and the run table's, `bundle` naming its script): a strict Content Security Policy
// (nothing by default; our script by nonce; styles and fonts only from the extension's own folders), one
// script bundle and two stylesheets (the bundle's uPlot styles and the page's own, which comes last so it
// wins).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function dashboardHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  title: string,
  bundle: 'dashboard' | 'runTable' = 'dashboard',
): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${bundle}.css`));
  // The bundle's own stylesheet (uPlot's), emitted by esbuild next to the script.
  const bundleStyle = webview.asWebviewUri(
    vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.css`),
  );
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${bundleStyle}" nonce="${nonce}">
<link rel="stylesheet" href="${style}" nonce="${nonce}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
