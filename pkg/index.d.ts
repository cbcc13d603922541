// The browser entry's declarations, assembled; nothing is declared here. Functions, classes and
// constants are declared by their JavaScript (JSDoc, checked by tsc with pkg/tsconfig.json); the
// shapes of options, results and events are written once in api.ts; tsc emits both into decl/
// (tests/pkg/declarations.mjs fails when decl/ is stale). The report's types are generated from
// the Rust (types/).
export * from './decl/index.js';
export type * from './decl/api.js';
export type * from './types/report.js';
