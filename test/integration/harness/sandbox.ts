// `npm run sandbox [-- --port N]`: a real VS Code (code-server) in the browser with MLA Studio loaded as the
// extension under development and examples/ as the workspace, on 127.0.0.1 only. Runs until Ctrl-C, which
// kills the server's whole process group (extension hosts included).
import * as path from 'node:path';
import { HarnessError, REPO_ROOT, startServer } from './codeServer';
import { workbenchUrl } from './workbench';

interface SandboxOptions {
  port: number;
  workspace: string;
  extension: string;
  trust: boolean;
}

function parseArguments(argv: string[]): SandboxOptions {
  const options: SandboxOptions = {
    port: 8080,
    workspace: path.join(REPO_ROOT, 'examples'),
    extension: REPO_ROOT,
    trust: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new HarnessError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--port') {
      const text = value();
      options.port = Number(text);
      if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
        throw new HarnessError(`--port expects a port number (1-65535), got "${text}"`);
      }
    } else if (flag === '--workspace') options.workspace = path.resolve(value());
    else if (flag === '--extension') options.extension = path.resolve(value());
    else if (flag === '--trust' || flag === '--restricted') options.trust = true;
    else
      throw new HarnessError(
        `unknown option ${flag} (expected --port N, --workspace DIR, --extension DIR, --trust)`,
      );
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const server = await startServer({
    workspace: options.workspace,
    port: options.port,
    disableWorkspaceTrust: !options.trust,
    onOutput: (line) => console.log(`[code-server] ${line}`),
  });
  server.process.once('exit', (code, signal) => {
    console.error(`sandbox: code-server stopped (${code ?? signal}); exiting`);
    process.exit(1);
  });
  const url = workbenchUrl(server, {
    workspace: options.workspace,
    extensionDevelopmentPath: options.extension,
  });
  console.log('');
  console.log(`MLA Studio sandbox: open ${url}`);
  console.log(`  extension under development: ${options.extension}`);
  console.log(`  workspace: ${options.workspace}`);
  console.log('  Ctrl-C stops it.');
  console.log('');
  // Keeps running: codeServer's signal hooks kill the process group on Ctrl-C and exit.
}

main().catch((error: unknown) => {
  console.error(error instanceof HarnessError ? `sandbox: ${error.message}` : error);
  process.exit(2);
});
