/** Small CSV files read whole (a user's series, predictions): rows of text cells, with the data layer's errors. */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { fileSystemError } from './csv-loader.js';
import { DataError } from './errors.js';

/** The file's rows (BOM removed, trailing blank rows dropped); `emptyMessage` when it has none. */
export function readCsvRows(file: string, emptyMessage: string): string[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw fileSystemError(file, error);
  }
  if (text.includes('\0')) throw new DataError({ file }, 'this is a binary file, not a CSV file');
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: false }).data;
  while (rows.length > 0 && rows[rows.length - 1]!.every((cell) => cell.trim() === '')) rows.pop();
  if (rows.length === 0) throw new DataError({ file }, emptyMessage);
  return rows;
}
