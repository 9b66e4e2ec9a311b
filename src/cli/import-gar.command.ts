/**
 * `prostor import-gar DIR`: imports the state address register (GAR XML: AS_ADDR_OBJ, AS_HOUSES,
 * AS_ADM_HIERARCHY, found in DIR and its region subdirectories) into the configured database,
 * then prints what was imported and every kind of rejected row with the first examples.
 * Re-running it updates the same rows. Exit codes: 0 done (even with rejected rows), 2 bad usage
 * or no GAR files in DIR.
 */
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../platform/db/connect.ts';
import { migrate } from '../platform/db/migrate.ts';
import { findGarFiles, formatGarReport, importGar } from '../registry/gar-import.service.ts';
import { installRegion } from '../registry/region.service.ts';
// type-only: commands.ts imports this file, so a value import would be circular
import type { Command } from './commands.ts';

const usage = 'Usage: prostor import-gar DIR   (DIR holds AS_ADDR_OBJ_*.XML, AS_HOUSES_*.XML, AS_ADM_HIERARCHY_*.XML, or region folders with them)\n';

export const importGarCommand: Command = {
  summary: 'import settlements, streets and houses from GAR XML files in a directory',
  async run(args) {
    const [directory, ...rest] = args;
    if (!directory || rest.length > 0 || directory === '--help' || directory === '-h') {
      process.stderr.write(usage);
      return 2;
    }
    let files;
    try {
      files = await findGarFiles(directory);
    } catch (error) {
      process.stderr.write(`prostor import-gar: cannot read ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`);
      return 2;
    }
    if (files.addressObjects.length === 0 || files.houses.length === 0 || files.hierarchy.length === 0) {
      process.stderr.write(`prostor import-gar: ${directory} needs AS_ADDR_OBJ_*, AS_HOUSES_* and AS_ADM_HIERARCHY_* files\n`);
      return 2;
    }
    const config = loadConfig();
    const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(handle);
      await installRegion(handle.db);
      const report = await importGar(handle.db, directory, { onProgress: (message) => process.stderr.write(`${message}\n`) });
      process.stdout.write(formatGarReport(report));
      return 0;
    } finally {
      await handle.close();
    }
  },
};
