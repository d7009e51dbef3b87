// List inputs (`images`, `tags`, `flavor`, `labels`, `annotations`) as docker/metadata-action reads them: CSV
// records (so quoting works), `#` comment lines, empty lines skipped, each record's fields joined back with
// `,` and trimmed. Each entry keeps its line number so errors can point at it.
import { parse } from 'csv-parse/sync'

export interface ListEntry {
  /** The entry text (trimmed, comments removed). */
  text: string
  /** 1-based line number in the input where the entry ends. */
  line: number
}

export function parseList(input: string): ListEntry[] {
  if (input.trim() === '') return []
  const records = parse(input, {
    columns: false,
    relaxQuotes: true,
    comment: '#',
    comment_no_infix: true,
    relaxColumnCount: true,
    skipEmptyLines: true,
    info: true
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>
  const entries: ListEntry[] = []
  for (const { record, info } of records) {
    const text = (record.length === 1 ? record[0] : record.join(',')).trim()
    if (text) entries.push({ text, line: info.lines })
  }
  return entries
}

/** Splits one entry into its comma-separated fields (CSV: a quoted field may hold commas). */
export function splitFields(entry: string): string[] {
  const records = parse(entry, { relaxColumnCount: true, skipEmptyLines: true }) as string[][]
  return records[0] ?? []
}

/** How errors name an entry: `tags line 3 ("type=foo")`. */
export function where(input: string, entry: ListEntry): string {
  return `${input} line ${entry.line} ("${entry.text}")`
}
