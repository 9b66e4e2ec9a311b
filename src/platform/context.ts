import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database, DatabaseHandle } from './db/connect.ts';

/** "Now", injected so tests and the demo can move time instead of waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Everything a module needs, passed explicitly: no module reaches for globals. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Database;
  clock: Clock;
  logger: Logger;
}
