// askData (and the openai SDK it loads, ~0.1-0.3 s) is '@clientele/analytics/ask', so other commands do not pay for it.
export * from './askPrompt.ts';
export * from './checkSql.ts';
export * from './describeSchema.ts';
export * from './llmEndpoint.ts';
export * from './lockDuckDB.ts';
export * from './openRunSql.ts';
export * from './runTables.ts';
