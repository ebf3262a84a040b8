export { DatasetManifestSchema, type DatasetManifest, type DatasetManifestInput } from './dataset-manifest.js';
export { Rng } from './random.js';
export { RUNTIME_NODE_FLAGS, SEMI_SPACE_MB } from './runtime.js';
export { readConfigFile } from './config-file.js';
export {
  ConfigError,
  EngineConfigSchema,
  FeatureConfigSchema,
  MetricsConfigSchema,
  ModelConfigSchema,
  RunConfigSchema,
  SignalConfigSchema,
  defaultConfig,
  formatIssuePath,
  mergeConfigInput,
  resolveConfig,
  type EngineConfig,
  type FeatureConfig,
  type MetricsConfig,
  type ModelConfig,
  type RunConfig,
  type RunConfigInput,
  type SignalConfig,
} from './run-config.js';
export { AgentConfigSchema, QLearningConfigSchema, REGIME_IDS, STRATEGY_IDS, type AgentConfig, type QLearningConfig } from './agent-config.js';
