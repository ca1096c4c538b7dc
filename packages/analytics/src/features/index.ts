export {
  type ColumnInfo,
  mapTransactionColumns,
  TRANSACTION_ROLES,
  type TransactionMapping,
  type TransactionRole,
} from './mapColumns.ts';
export * from './snapshotFeatures.ts';
export * from './transactionFeatures.ts';
