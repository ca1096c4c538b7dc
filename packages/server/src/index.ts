export { SendJobs, type SendJobsOptions } from './campaigns/sendJobs.ts';
export * from './datasets/index.ts';
export * from './demo/seedDemo.ts';
export * from './http/index.ts';
export * from './store/index.ts';
