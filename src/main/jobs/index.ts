export { JobRunner, type JobRequest, type JobRunnerOptions } from './job-runner';
export type { JobParams, JobOutputs } from './job-protocol';
