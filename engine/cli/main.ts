// The `netloom` command line: one entry, one subcommand per file. Every failure ends as ONE line on stderr,
// `netloom <cmd>: <message> (<code>)`: exit 2 for usage (flags, arguments, a network or data set that does not fit),
// 1 for everything else. Nothing may reach the wasm backend's own uncaught-error handler, which prints its whole
// minified source (~56 KB) and exits 7.
import { CliError } from './args';
import { toCliError } from './open';

const usage = (serve: string) => `netloom — visual neural-network builder

usage:
  netloom info <template | file> [--json]     per-block shapes, parameters and FLOPs
  netloom train <template | file> [--data fashion-mnist|mnist|<folder>|<csv>] [--epochs N]
                [--batch-size N] [--lr X] [--optimizer sgd|adam] [--momentum X] [--val-split F]
                [--schedule step:EVERY:GAMMA|cosine[:MINLR]|constant] [--early-stop N] [--limit N]
                [--backend name] [--seed N] [--save out.netloom.json] [--json]   (netloom train --help)
  netloom predict <file> [--data …] [--split test|train] [--limit N] [--workers N|auto] [--json]
  netloom evaluate <trained project> [--data …] [--split test|train] [--limit N] [--workers N|auto] [--json]
  ${serve.replace(/^usage: /, '')}
`;

// Loaded on demand: `info` never needs tfjs, and `train` loads it only after its flags are valid.
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  info: async () => (await import('./info')).infoCommand,
  train: async () => (await import('./train')).trainCommand,
  predict: async () => (await import('./predict')).predictCommand,
  evaluate: async () => (await import('./evaluate')).evaluateCommand,
  serve: async () => (await import('./serve')).serveCommand,
  export: async () => (await import('./export')).exportCommand,
};

/** Memory exhaustion, however the allocator words it (V8, typed arrays, the wasm heap). */
const OUT_OF_MEMORY = /allocation failed|out of memory|\bOOM\b|enlarge memory|invalid (typed )?array length/i;

/** The one line for any failure, and its exit code. */
function describe(e: unknown): { code: string; message: string; exit: number } {
  const known = toCliError(e);
  if (known) return { code: known.code, message: known.message, exit: known.exitCode };
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  if (OUT_OF_MEMORY.test(message)) return { code: 'E_OUT_OF_MEMORY', message: `out of memory: ${message}`, exit: 1 };
  return { code: 'E_INTERNAL', message, exit: 1 };
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const load = cmd ? COMMANDS[cmd] : undefined;
  if (!load) {
    const USAGE = usage((await import('./serve')).SERVE_USAGE);
    process.stderr.write(cmd && cmd !== '--help' ? `unknown command "${cmd}"\n\n${USAGE}` : USAGE);
    return cmd && cmd !== '--help' ? 2 : 0;
  }
  const report = (e: unknown): number => {
    const d = describe(e);
    // A usage line may carry the usage text after it; the error itself is the first line.
    const [line, ...rest2] = d.message.split('\n');
    process.stderr.write(`netloom ${cmd}: ${line} (${d.code})\n${rest2.length ? rest2.join('\n') + '\n' : ''}`);
    if (process.env.NETLOOM_DEBUG && e instanceof Error && !(e instanceof CliError))
      process.stderr.write(`${e.stack}\n`);
    if (rest.includes('--json'))
      process.stdout.write(JSON.stringify({ event: 'error', code: d.code, message: line }) + '\n');
    return d.exit;
  };
  // Errors thrown outside the command's promise (a worker, a timer) end the command the same way, before the
  // wasm module's handler (installed later, so called after this one) can print its source.
  // process.exit at once: the next listener would print the dump (stdout and stderr are synchronous on pipes and files).
  const fatal = (e: unknown) => process.exit(report(e));
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    return await (
      await load()
    )(rest);
  } catch (e) {
    return report(e);
  }
}
