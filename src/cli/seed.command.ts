import type { Command } from './commands.ts';

// TODO: being written.
export const seedCommand: Command = {
  summary: 'generate the deterministic demo region: --scale S --seed N',
  async run() {
    process.stderr.write('not yet\n');
    return 1;
  },
};
