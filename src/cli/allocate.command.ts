/**
 * `prostor allocate FILE` (or `-` for standard input): runs the allocation engine on an instance
 * file and prints the result as JSON, so that anyone can re-run a published allocation protocol
 * and compare the assignment and the instance hash (docs/allocation.md).
 * Exit codes: 0 done, 2 unreadable file, not JSON, or a malformed instance (every problem listed).
 */
import { readFile } from 'node:fs/promises';
import { allocate, InvalidInstanceError, type AllocationInstance } from '../enrollment/allocation/allocate.ts';
import type { Command } from './commands.ts';

const USAGE = 'Usage: prostor allocate FILE   (FILE is an allocation instance in JSON, or - for standard input)\n';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const allocateCommand: Command = {
  summary: 'run the allocation engine on an instance file (JSON, or - for stdin) and print the result',
  async run(args) {
    const [file, ...rest] = args;
    if (!file || rest.length > 0 || file === '--help' || file === '-h') {
      process.stderr.write(USAGE);
      return 2;
    }
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      process.stderr.write(`prostor allocate: cannot read ${file === '-' ? 'standard input' : file}${code ? ` (${code})` : ''}\n`);
      return 2;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (error) {
      process.stderr.write(`prostor allocate: ${file === '-' ? 'standard input' : file} is not valid JSON: ${(error as Error).message}\n`);
      return 2;
    }
    try {
      const result = allocate(raw as AllocationInstance); // validates and lists every problem
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof InvalidInstanceError)) throw error;
      process.stderr.write(`prostor allocate: the instance is malformed:\n${error.errors.map((e) => `  ${e}\n`).join('')}`);
      return 2;
    }
  },
};
