// Markdown for the job summary and the PR comment. Branch names, tags, PR titles and registry answers are data,
// never markup: every piece of text goes through `cell` (HTML entities for what GitHub would render, one line)
// or `code` (the same inside <code>, so a backtick in the text cannot end it).

/** Text made safe inside a table cell or a list item. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\r?\n/g, ' ')
}

/** Inline code; '' for empty text. */
export const code = (text: string): string => (text ? `<code>${cell(text)}</code>` : '')
