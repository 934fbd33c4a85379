// A small argv parser: `--flag value`, `--flag=value`, boolean `--json`; positional arguments kept in order.
// Commands that declare their flags (`known`) refuse unknown ones, so a typo (`--epoch 3`) is an error, not a
// silently ignored setting.
export interface Parsed {
  positional: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: string[], booleans: readonly string[] = [], known?: readonly string[]): Parsed {
  const out: Parsed = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (known && !known.includes(key)) {
      const near = known.find((k) => k.startsWith(key) || key.startsWith(k));
      throw new CliError(`unknown flag --${key}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    if (eq >= 0) {
      if (booleans.includes(key)) throw new CliError(`--${key} takes no value`);
      out.flags[key] = a.slice(eq + 1);
    } else if (booleans.includes(key) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) out.flags[key] = true;
    else out.flags[key] = argv[++i];
  }
  return out;
}

/** A numeric flag, or the fallback; throws a clear message for garbage. */
export function numFlag(p: Parsed, key: string, fallback?: number): number | undefined {
  const v = p.flags[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isFinite(n))
    throw new CliError(`--${key} needs a number, got ${v === true ? 'nothing' : JSON.stringify(v)}`);
  return n;
}

/**
 * An error the command reports as one line, `netloom <cmd>: <message> (<code>)`, exiting with `exitCode`:
 * 2 for usage (a flag, an argument, a data set or network that does not fit), 1 for failures (files, memory).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'E_USAGE',
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
