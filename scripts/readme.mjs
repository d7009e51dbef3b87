// Rewrites the input/output tables of README.md and docs/multi-runner.md from each action.yml, so the docs cannot
// drift from the metadata. `node scripts/readme.mjs --check` fails (exit 1) when a document is out of date, or
// when an action.yml has no table anywhere.
import { readFile, writeFile } from 'node:fs/promises'
import * as yaml from 'js-yaml'

const check = process.argv.includes('--check')
const DOCUMENTS = ['README.md', 'docs/multi-runner.md']
const ACTIONS = ['action.yml', 'meta/action.yml', 'plan/action.yml', 'merge/action.yml', 'cleanup/action.yml']

const cell = text =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()

function table(kind, entries) {
  if (kind === 'inputs') {
    const rows = entries.map(([name, spec]) => {
      const def =
        spec?.default === undefined || spec.default === ''
          ? ''
          : `\`${cell(spec.default).replace(/\n/g, '\\n')}\``
      return `| \`${name}\` | ${def} | ${cell(spec?.description)} |`
    })
    return ['| Input | Default | Description |', '|---|---|---|', ...rows].join('\n')
  }
  const rows = entries.map(([name, spec]) => `| \`${name}\` | ${cell(spec?.description)} |`)
  return ['| Output | Description |', '|---|---|', ...rows].join('\n')
}

const blocks = /(<!-- BEGIN (inputs|outputs): (\S+) -->\n)[\s\S]*?(<!-- END \2: \3 -->)/g
const files = new Map()
const stale = []
for (const doc of DOCUMENTS) {
  const text = await readFile(doc, 'utf8')
  for (const m of text.matchAll(blocks)) {
    if (!files.has(m[3])) files.set(m[3], yaml.load(await readFile(m[3], 'utf8')))
  }
  const updated = text.replace(blocks, (_, begin, kind, file, end) => {
    const meta = files.get(file)
    return `${begin}${table(kind, Object.entries(meta[kind] ?? {}))}\n${end}`
  })
  if (updated === text) continue
  if (check) stale.push(doc)
  else await writeFile(doc, updated)
}
const missing = ACTIONS.filter(a => !files.has(a))
if (missing.length) {
  console.error(`No input/output tables for ${missing.join(', ')} in ${DOCUMENTS.join(', ')}.`)
  process.exit(1)
}
if (stale.length) {
  console.error(
    `${stale.join(', ')}: input/output tables are out of date: run \`npm run readme\` and commit.`
  )
  process.exit(1)
}
console.log(
  `${DOCUMENTS.join(', ')}: tables ${check ? 'match' : 'rewritten from'} ${files.size} action.yml files`
)
