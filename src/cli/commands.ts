import { loadConfig } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from '../platform/db/connect.ts';
import { migrate } from '../platform/db/migrate.ts';
import { verifyAuditChain } from '../platform/audit/audit.ts';
import { pendingAudit, PENDING_AUDIT_MAX_SECONDS } from '../platform/audit/audit-seal.ts';
import { installRegion } from '../registry/region.service.ts';
import { seedCommand } from './seed.command.ts';
import { allocateCommand } from './allocate.command.ts';
import { importGarCommand } from './import-gar.command.ts';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

/** The database the configuration points at (DATABASE_URL or the embedded one in DATA_DIR). */
export async function openConfiguredDatabase(): Promise<DatabaseHandle> {
  const config = loadConfig();
  return connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

export const commands: Record<string, Command> = {
  migrate: {
    summary: 'apply pending migrations to the configured database',
    async run() {
      const handle = await openConfiguredDatabase();
      try {
        const report = await migrate(handle);
        await installRegion(handle.db);
        process.stdout.write(report.applied.length ? `Applied: ${report.applied.join(', ')}\n` : 'The database is up to date.\n');
        return 0;
      } finally {
        await handle.close();
      }
    },
  },
  'verify-audit': {
    summary: 'check the hash chain of the audit log and name the first broken link',
    async run() {
      const handle = await openConfiguredDatabase();
      try {
        const verdict = await verifyAuditChain(handle.db);
        const pending = await pendingAudit(handle.db, new Date());
        if (verdict.ok) {
          process.stdout.write(`Audit chain intact: ${verdict.events} events verified; ${pending.count} pending, to be chained.\n`);
          if (pending.oldestSeconds > PENDING_AUDIT_MAX_SECONDS) {
            process.stdout.write(`Audit sealing STALLED: the oldest pending event has waited ${Math.round(pending.oldestSeconds)} s (more than ${PENDING_AUDIT_MAX_SECONDS} s); is a worker running?\n`);
            return 1;
          }
          return 0;
        }
        process.stdout.write(`Audit chain BROKEN at event ${verdict.brokenAtSeq}: ${verdict.reason}. ${verdict.events} events before it are intact.\n`);
        return 1;
      } finally {
        await handle.close();
      }
    },
  },
  seed: seedCommand,
  allocate: allocateCommand,
  'import-gar': importGarCommand,
};
