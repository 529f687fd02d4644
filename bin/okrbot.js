#!/usr/bin/env node
// okrbot runs its TypeScript directly through tsx: no build step between a clone and a chat.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
