/**
 * The `prostor` command. Each subcommand lives in its own file; this one only dispatches.
 * Exit codes: 0 success, 1 failure found (e.g. a broken audit chain), 2 bad usage or input.
 */
import { commands } from './commands.ts';

export class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(14)} ${c.summary}`)
      .join('\n');
    process.stderr.write(`${name ? `Unknown command: ${name}\n\n` : ''}Usage: prostor <command> [options]\n\nCommands:\n${list}\n`);
    return 2;
  }
  return command.run(args);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
