// The `netloom` command line: one entry, one subcommand per file.
import { CliError } from './args';
import { infoCommand } from './info';
import { predictCommand } from './predict';
import { serveCommand, SERVE_USAGE } from './serve';
import { trainCommand } from './train';

const USAGE = `netloom — visual neural-network builder

usage:
  netloom info <template | file> [--json]     per-block shapes, parameters and FLOPs
  netloom train <template | file> [--data fashion-mnist|mnist|<folder>|<csv>] [--epochs N]
                [--batch-size N] [--lr X] [--optimizer sgd|adam] [--limit N] [--backend name]
                [--seed N] [--save out.netloom.json] [--json]
  netloom predict <file> [--data …] [--split test|train] [--limit N] [--json]
  ${SERVE_USAGE.replace(/^usage: /, '')}
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  info: infoCommand,
  train: trainCommand,
  predict: predictCommand,
  serve: serveCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const run = cmd ? COMMANDS[cmd] : undefined;
  if (!run) {
    process.stderr.write(cmd && cmd !== '--help' ? `unknown command "${cmd}"\n\n${USAGE}` : USAGE);
    return cmd && cmd !== '--help' ? 2 : 0;
  }
  try {
    return await run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`netloom ${cmd}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
