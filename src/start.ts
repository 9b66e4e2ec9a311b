/**
 * Starting the platform, shared by `npm start` and the tests that start real processes:
 * connect, migrate, install reference data, seed the demo region on first start, build the app.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { demoAccounts } from './demo/demo-accounts.ts';
import { ensureDemoRegion } from './demo/first-start.ts';
import { roleNames } from './platform/access/access.ts';
import { systemClock, type AppContext, type Clock } from './platform/context.ts';
import { connectDatabase } from './platform/db/connect.ts';
import { migrate } from './platform/db/migrate.ts';
import { startWorker } from './platform/jobs/jobs.ts';
import { platformJobHandlers, platformJobSchedules } from './platform/jobs/platform-jobs.ts';
import { preschoolJobHandlers, preschoolJobSchedules } from './enrollment/preschool/preschool.module.ts';
import { admissionJobHandlers, admissionJobSchedules } from './enrollment/admission/admission.module.ts';
import { journalJobHandlers, journalJobSchedules } from './journal/journal.module.ts';
import { installRegion } from './registry/region.service.ts';

export interface RunningPlatform {
  app: FastifyInstance;
  context: AppContext;
  banner(url: string): string;
  stop(): Promise<void>;
}

export async function startPlatform(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningPlatform> {
  const database = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  const report = await migrate(database);
  if (report.applied.length) logger.info({ applied: report.applied }, 'migrations applied');
  await installRegion(database.db);
  const context: AppContext = { config, database, db: database.db, clock, logger };
  if (config.demoMode) await ensureDemoRegion(context);
  const app = await buildApp(context);
  // Background jobs; RUN_WORKERS=false keeps a process for HTTP only.
  const worker = config.runWorkers ? startWorker(context, { ...platformJobHandlers, ...preschoolJobHandlers, ...admissionJobHandlers, ...journalJobHandlers }, { schedules: [...platformJobSchedules, ...preschoolJobSchedules, ...admissionJobSchedules, ...journalJobSchedules] }) : null;
  return {
    app,
    context,
    banner(url) {
      const engine = database.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL';
      const lines = [`Prostor is running at ${url}`, `Database: ${engine}`];
      if (config.demoMode) {
        lines.push('', 'Demo logins (login / password — role, scope):');
        for (const a of demoAccounts) lines.push(`  ${a.login} / ${a.password} — ${roleNames[a.role].en}, ${a.scopeLabel}`);
      }
      return `${lines.join('\n')}\n`;
    },
    async stop() {
      await app.close();
      // Graceful: running jobs finish before the database closes.
      await worker?.stop();
      await database.close();
    },
  };
}
