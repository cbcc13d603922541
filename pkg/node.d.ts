// The Node entry's declarations, assembled as index.d.ts's: values from node.js (decl/node.d.ts),
// its shapes from node-api.ts, and the browser entry's types that Node code uses too.
export * from './decl/node.js';
export type * from './decl/node-api.js';
export type {
  Report, ErrorCode, ValuationErrorCode, SubmitErrorCode, ContributionRecord, SubmitterOptions, SubmitResult, FlushResult, Submitter,
} from './index.js';
