export * from './http/index.ts';
export * from './store/index.ts';
