// The `netloom` command line: one entry, one subcommand per file.
import { CliError } from './args';
import { infoCommand } from './info';

const USAGE = `netloom — visual neural-network builder

usage:
  netloom info <template | file> [--json]     per-block shapes, parameters and FLOPs
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  info: infoCommand,
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
    if (e instanceof CliError) { process.stderr.write(`netloom ${cmd}: ${e.message}\n`); return 2; }
    throw e;
  }
}
