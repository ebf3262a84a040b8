export { DatasetManifestSchema, type DatasetManifest, type DatasetManifestInput } from './dataset-manifest.js';
export { Rng } from './random.js';
export { RUNTIME_NODE_FLAGS, SEMI_SPACE_MB } from './runtime.js';
