import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';

// Being written.
export function registerPublicQueueRoutes(_app: FastifyInstance, _context: AppContext): void {}
