import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

// TODO: being written.
export function registerAuditRoutes(_app: FastifyInstance, _context: AppContext): void {}
