/**
 * Reads a config file (`--config FILE`): JSON, comments and trailing commas allowed (as
 * `replaylab config defaults` prints it). Syntax errors name the line and column; schema errors
 * name the field.
 */
import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../data/errors.js';

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The file's JSON value, unchecked; `resolveConfig` checks it. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`config file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const { line, column } = lineAndColumn(text, first.offset);
    const found = JSON.stringify(text.slice(first.offset, first.offset + Math.max(1, Math.min(first.length, 20))));
    throw new InputError(`${file}:${line}:${column}: ${printParseErrorCode(first.error)} at ${found}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${file}: a config file holds one JSON object, e.g. {"engine": {"feeRate": 0.001}}`);
  }
  return value;
}
