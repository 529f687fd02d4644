import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -- --name <what-changed>` writes a named migration into migrations/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
