export * from './askData.ts';
export * from './askPrompt.ts';
export * from './checkSql.ts';
export * from './describeSchema.ts';
export * from './llmEndpoint.ts';
export * from './lockDuckDB.ts';
export * from './openRunSql.ts';
export * from './runTables.ts';
