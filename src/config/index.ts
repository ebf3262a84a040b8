export { DatasetManifestSchema, type DatasetManifest, type DatasetManifestInput } from './dataset-manifest.js';
export { Rng } from './random.js';
