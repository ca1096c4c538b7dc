export * from './datasets/index.ts';
export * from './demo/seedDemo.ts';
export * from './http/index.ts';
export * from './store/index.ts';
