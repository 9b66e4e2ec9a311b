/**
 * Process entry: config → database → migrations → (demo seed) → app → listen; graceful
 * shutdown on SIGTERM/SIGINT.
 */
import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './platform/logger.ts';
import { startPlatform } from './start.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const platform = await startPlatform(config, logger);
  await platform.app.listen({ port: config.port, host: config.host });
  const url = config.publicUrl;
  process.stdout.write(platform.banner(url));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Prostor could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
