// The whole data model, one module per area; drizzle-kit reads this file.
export * from './enums.ts';
export * from './goals.ts';
export * from './operations.ts';
export * from './organisation.ts';
export * from './wiki.ts';
