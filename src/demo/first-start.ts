import type { AppContext } from '../platform/context.ts';

// TODO: being written: seeds the demo region once, on first start.
export async function ensureDemoRegion(_context: AppContext): Promise<void> {}
