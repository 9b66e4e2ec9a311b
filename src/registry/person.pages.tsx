import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.ts';

// TODO: being written.
export function registerPersonPages(_app: FastifyInstance, _context: AppContext): void {}
