export { type CustomerColumnMap, FIELD_NAMES, foldName, mapCustomerColumns } from './customerColumns.ts';
export {
  DuplicateDatasetError,
  type ImportedDataset,
  type ImportRequest,
  importDataset,
} from './importDataset.ts';
export {
  type CustomerFields,
  type IngestedUpload,
  ingestUpload,
  UploadRejectedError,
} from './ingestUpload.ts';
export { customerFieldsFile, datasetDir, datasetFile, profileFile } from './paths.ts';
export { formatBytes, receiveUpload, UploadAbortedError, UploadTooLargeError } from './receiveUpload.ts';
export { type SweepOptions, sweepDatasetFolders } from './sweepFolders.ts';
