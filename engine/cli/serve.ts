// `netloom serve`: the browser shell (renderer + engine over WebSocket) or, with --engine-only, just the
// engine endpoint for a desktop app on another machine. Runs until Ctrl-C.
import { spawn } from 'node:child_process';
import process from 'node:process';
import { startServer, tokenProblem } from '../host/server';
import { CliError, numFlag, parseArgs } from './args';

export const SERVE_USAGE = `usage: netloom serve [--port N] [--host 127.0.0.1] [--open] [--token T]
                     [--engine-only [--allow-origin ORIGIN]...] [--engine-api MODULE]
  --port N             port to listen on (default: a free one)
  --host H             address to bind (default 127.0.0.1; anything else exposes the engine to the network)
  --open               open the URL in the default browser
  --token T            use this token instead of a random one (at least 128 bits: 32 hex digits
                       or 22 base64url characters)
  --engine-only        serve only the WebSocket endpoint /engine (for a remote desktop app)
  --allow-origin O     also accept WebSocket connections from origin O (repeatable; e.g. netloom://app)
  --engine-api M       module exporting createEngineApi() (default: the built-in engine)`;

export async function serveCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['open', 'engine-only', 'help']);
  if (args.flags.help) return (process.stdout.write(SERVE_USAGE + '\n'), 0);
  const str = (k: string) => {
    const v = args.flags[k];
    if (v === true) throw new CliError(`--${k} needs a value`);
    return v;
  };
  // parseArgs keeps the last of repeated flags; --allow-origin may repeat, so collect it from argv.
  const allowOrigins = argv
    .flatMap((a, i) => (a === '--allow-origin' ? [argv[i + 1]] : a.startsWith('--allow-origin=') ? [a.slice(15)] : []))
    .filter(Boolean);
  const host = str('host') ?? '127.0.0.1';
  const token = str('token');
  const weak = token === undefined ? null : tokenProblem(token);
  if (weak) throw new CliError(`--token: ${weak}`);
  const server = await startServer({
    port: numFlag(args, 'port', 0),
    host,
    token,
    engineOnly: Boolean(args.flags['engine-only']),
    allowOrigins,
    engine: { apiModule: str('engine-api') },
  });
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(
      `netloom serve: listening on ${host}: anyone who can reach it and has the token can use this engine and the files it can read and write.\n`,
    );
  }
  process.stdout.write(`${args.flags['engine-only'] ? 'Engine' : 'Netloom'} is running at ${server.url}\n`);
  if (args.flags.open && !args.flags['engine-only']) openInBrowser(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function openInBrowser(url: string) {
  const [cmd, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : ['xdg-open', url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`netloom serve: could not open a browser; open ${url} yourself.\n`));
  child.unref();
}
