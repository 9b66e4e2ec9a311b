import type { Executor } from '../platform/db/connect.ts';

export interface SeedOptions {
  scale: number;
  seed: number;
}

export interface SeedReport {
  rows: number;
  ms: number;
}

// TODO: being written (deterministic demo generator).
export async function seedDemoRegion(_db: Executor, _options: SeedOptions): Promise<SeedReport> {
  return { rows: 0, ms: 0 };
}
