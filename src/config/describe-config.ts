/**
 * `replaylab config defaults`: the complete default configuration as JSON with comments, each field
 * preceded by its description from the schema. The output is itself a valid `--config` file.
 */
import { z } from 'zod';
import { RunConfigSchema, defaultConfig } from './run-config.js';

interface JsonSchemaNode {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
}

function propertiesOf(node: JsonSchemaNode | undefined): Record<string, JsonSchemaNode> | undefined {
  if (node === undefined) return undefined;
  if (node.properties !== undefined) return node.properties;
  for (const branch of [...(node.anyOf ?? []), ...(node.allOf ?? [])]) {
    const found = propertiesOf(branch);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every field's description, by dotted path (`engine.feeRate`). */
export function configDescriptions(): Map<string, string> {
  const schema = z.toJSONSchema(RunConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const descriptions = new Map<string, string>();
  const walk = (node: JsonSchemaNode, path: string) => {
    for (const [key, child] of Object.entries(propertiesOf(node) ?? {})) {
      const at = path === '' ? key : `${path}.${key}`;
      const description = child.description ?? child.anyOf?.find((b) => b.description !== undefined)?.description;
      if (description !== undefined) descriptions.set(at, description);
      walk(child, at);
    }
  };
  walk(schema, '');
  return descriptions;
}

/** The defaults as commented JSON (JSONC); `comments: false` gives plain JSON. */
export function renderDefaultConfig(comments = true): string {
  const config = defaultConfig();
  if (!comments) return `${JSON.stringify(config, null, 2)}\n`;
  const descriptions = configDescriptions();
  const lines: string[] = ['// replaylab configuration: every field with its default. Pass any subset with --config FILE.'];
  const render = (value: unknown, path: string, indent: string): string => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value);
    const entries = Object.entries(value as Record<string, unknown>);
    // A record (free keys, e.g. a value per model) has no per-key descriptions: print it on one line.
    if (!entries.some(([key]) => descriptions.has(path === '' ? key : `${path}.${key}`))) return JSON.stringify(value).replace(/,/g, ', ');
    const inner = `${indent}  `;
    const parts = entries.map(([key, child], n) => {
      const at = path === '' ? key : `${path}.${key}`;
      const description = descriptions.get(at);
      const comment = description === undefined ? '' : `${inner}// ${description}\n`;
      const comma = n < entries.length - 1 ? ',' : '';
      return `${comment}${inner}${JSON.stringify(key)}: ${render(child, at, inner)}${comma}`;
    });
    return `{\n${parts.join('\n')}\n${indent}}`;
  };
  lines.push(render(config, '', ''));
  return `${lines.join('\n')}\n`;
}
