// Fails when dist/ differs from what `npm run build` makes from the committed sources.
import { execFileSync } from 'node:child_process'

execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })
const status = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' })
if (status.trim()) {
  console.error('dist/ is stale: run `npm run build` and commit dist/.\n' + status)
  execFileSync('git', ['--no-pager', 'diff', '--stat', '--', 'dist'], { stdio: 'inherit' })
  process.exit(1)
}
console.log('dist/ is up to date')
