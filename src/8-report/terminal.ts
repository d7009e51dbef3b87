// The CLI's view of the action's log: @actions/core speaks the runner's workflow-command language on stdout
// (`::group::`, `::warning::`, `::debug::`); outside GitHub Actions those lines are rendered for a terminal.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions

const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/

const unescape = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')

/** One line as a terminal shows it; undefined drops the line (debug output when not verbose, group ends). */
export function renderLine(line: string, verbose: boolean): string | undefined {
  const m = COMMAND.exec(line)
  if (!m) return line
  const [, command, data] = m
  const text = unescape(data)
  switch (command) {
    case 'group':
      return `\n── ${text}`
    case 'endgroup':
      return undefined
    case 'debug':
      return verbose ? `debug: ${text}` : undefined
    case 'notice':
    case 'warning':
    case 'error':
      return `${command}: ${text}`
    case 'add-mask':
      return undefined
    default:
      return line
  }
}

/** Routes process.stdout through renderLine for the rest of the process. */
export function renderWorkflowCommands(verbose: boolean): void {
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    const lines = text.split('\n')
    const last = lines.pop() as string
    const out = lines.map(l => renderLine(l, verbose)).filter((l): l is string => l !== undefined)
    const rendered = out.map(l => `${l}\n`).join('') + (last ? (renderLine(last, verbose) ?? '') : '')
    return (write as (c: string, ...r: unknown[]) => boolean)(rendered, ...rest)
  }) as typeof process.stdout.write
}
