export * from './errors.ts';
export * from './matrix.ts';
export * from './random.ts';
