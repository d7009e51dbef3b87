// Rewrites the input/output tables of README.md from each action.yml, so the docs cannot drift from the
// metadata. `node scripts/readme.mjs --check` fails (exit 1) when README.md is out of date.
import { readFile, writeFile } from 'node:fs/promises'
import * as yaml from 'js-yaml'

const check = process.argv.includes('--check')
const readme = await readFile('README.md', 'utf8')

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
for (const m of readme.matchAll(blocks)) {
  if (!files.has(m[3])) files.set(m[3], yaml.load(await readFile(m[3], 'utf8')))
}
const updated = readme.replace(blocks, (_, begin, kind, file, end) => {
  const meta = files.get(file)
  return `${begin}${table(kind, Object.entries(meta[kind] ?? {}))}\n${end}`
})

if (check) {
  if (updated !== readme) {
    console.error('README.md input/output tables are out of date: run `npm run readme` and commit README.md.')
    process.exit(1)
  }
  console.log(`README.md tables match ${files.size} action.yml files`)
} else {
  await writeFile('README.md', updated)
  console.log(`README.md tables rewritten from ${files.size} action.yml files`)
}
