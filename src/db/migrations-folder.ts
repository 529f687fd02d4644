import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

export const MIGRATIONS_FOLDER = join(PACKAGE_ROOT, 'migrations');
