import { join } from 'node:path';
import { PACKAGE_ROOT } from '../runtime/package-root.ts';

export const MIGRATIONS_FOLDER = join(PACKAGE_ROOT, 'migrations');
