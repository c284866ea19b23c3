import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/**
 * The arguments of a command-line tool: `--help` (`-h`) prints `usage` and exits 0; a wrong argument,
 * or a `fail` of the caller's own checks, prints the reason and the usage and exits 2.
 */
export function commandLine<const T extends ParseArgsOptionsConfig>(
  usage: string,
  options: T,
  config: { positionals?: boolean } = {},
) {
  const fail = (message: string): never => {
    console.error(`${message}\n\n${usage}`);
    process.exit(2);
  };
  const help = { type: 'boolean', short: 'h', default: false } as const;
  let parsed: ReturnType<typeof parseArgs<{ options: T & { help: typeof help }; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      allowPositionals: config.positionals ?? false,
      options: { ...options, help },
    }) as typeof parsed;
  } catch (error) {
    return fail((error as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return { values: parsed.values, positionals: parsed.positionals, fail };
}
