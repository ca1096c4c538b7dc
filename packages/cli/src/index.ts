export { describeError, EXIT } from './errors.ts';
