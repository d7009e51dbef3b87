// A small Dockerfile reader for the static checks of BlackLake's images: parser directives, comments, line
// continuations, heredocs, stages (FROM --platform … AS …) and global ARG defaults. Enough to reason about
// stages, users, health checks and COPY sources; not a full implementation of the Dockerfile frontend.

export interface Instruction {
  keyword: string // upper-cased: FROM, RUN, COPY, …
  args: string // the rest of the (joined) logical line
  line: number // 1-based line of the keyword
}

export interface Stage {
  index: number
  name?: string // the `AS` name, lower-cased
  image: string // as written (may contain ${ARG})
  platform?: string // the --platform flag as written
  instructions: Instruction[] // after FROM
}

export interface Dockerfile {
  directives: Record<string, string>
  globalArgs: Record<string, string | undefined>
  stages: Stage[]
}

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g

/** Splits the text into logical instructions (continuations joined, comments and heredoc bodies removed). */
export function instructions(text: string): { directives: Record<string, string>; list: Instruction[] } {
  const lines = text.split('\n')
  const directives: Record<string, string> = {}
  const list: Instruction[] = []
  let i = 0
  // Parser directives: `# key=value` lines before anything else.
  for (; i < lines.length; i++) {
    const m = lines[i].match(/^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/)
    if (!m) break
    directives[m[1].toLowerCase()] = m[2]
  }
  while (i < lines.length) {
    const raw = lines[i]
    if (raw.trim() === '' || raw.trim().startsWith('#')) {
      i++
      continue
    }
    const start = i + 1
    let logical = ''
    for (;;) {
      const current = lines[i] ?? ''
      i++
      // Comment and empty lines inside a continuation are dropped, as the frontend does.
      if (logical !== '' && (current.trim() === '' || current.trim().startsWith('#'))) {
        if (i >= lines.length) break
        continue
      }
      if (current.endsWith('\\')) {
        logical += current.slice(0, -1) + ' '
        if (i >= lines.length) break
        continue
      }
      logical += current
      break
    }
    // Heredoc bodies follow the instruction line; skip them (they are data, not instructions).
    for (const m of logical.matchAll(HEREDOC)) {
      const strip = m[1] === '-'
      while (i < lines.length && (strip ? lines[i].replace(/^\t+/, '') : lines[i]) !== m[3]) i++
      i++
    }
    const m = logical.trim().match(/^(\S+)\s*(.*)$/s)
    if (!m) continue
    list.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start })
  }
  return { directives, list }
}

/** Shell-like word splitting: quotes group (and are removed) anywhere in a word, `\\` escapes in "…". */
export function tokens(args: string): string[] {
  const out: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (let i = 0; i < args.length; i++) {
    const c = args[i]
    if (quote) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"' && i + 1 < args.length) word += args[++i]
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      word ??= ''
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word)
      word = undefined
    } else word = (word ?? '') + c
  }
  if (word !== undefined) out.push(word)
  return out
}

/** `ARG a=1 b` → { a: '1', b: undefined } */
export function parseArg(args: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const t of tokens(args)) {
    const eq = t.indexOf('=')
    if (eq < 0) out[t] = undefined
    else out[t.slice(0, eq)] = t.slice(eq + 1)
  }
  return out
}

/** `LABEL a="x y" b=z` → { a: 'x y', b: 'z' } */
export function parseKeyValues(args: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const t of tokens(args)) {
    const eq = t.indexOf('=')
    if (eq > 0) out[t.slice(0, eq)] = t.slice(eq + 1)
  }
  return out
}

export function parseDockerfile(text: string): Dockerfile {
  const { directives, list } = instructions(text)
  const globalArgs: Record<string, string | undefined> = {}
  const stages: Stage[] = []
  for (const ins of list) {
    if (ins.keyword === 'FROM') {
      const t = tokens(ins.args)
      const platform = t.find(x => x.startsWith('--platform='))?.slice('--platform='.length)
      const rest = t.filter(x => !x.startsWith('--'))
      const asAt = rest.findIndex(x => x.toLowerCase() === 'as')
      stages.push({
        index: stages.length,
        image: rest[0],
        platform,
        name: asAt >= 0 ? rest[asAt + 1]?.toLowerCase() : undefined,
        instructions: []
      })
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') Object.assign(globalArgs, parseArg(ins.args))
    } else {
      stages[stages.length - 1].instructions.push(ins)
    }
  }
  return { directives, globalArgs, stages }
}

/** Expands ${NAME} / $NAME with the given values (unknown names expand to ''). */
export function expand(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a, b) => vars[a ?? b] ?? ''
  )
}

/** The stage a FROM refers to when it names an earlier stage, else undefined (an image). */
export function parentStage(df: Dockerfile, stage: Stage): Stage | undefined {
  const ref = stage.image.toLowerCase()
  return df.stages.slice(0, stage.index).find(s => s.name === ref)
}

/** The stage and its ancestors through `FROM <stage>`, oldest first. */
export function lineage(df: Dockerfile, stage: Stage): Stage[] {
  const chain: Stage[] = [stage]
  for (let p = parentStage(df, stage); p; p = parentStage(df, p)) chain.unshift(p)
  return chain
}

/** The --platform a stage runs on, inherited through `FROM <stage>`. */
export function stagePlatform(df: Dockerfile, stage: Stage): string | undefined {
  return lineage(df, stage)[0].platform
}

/** Instructions of a stage including those inherited from its ancestor stages, in order. */
export function inherited(df: Dockerfile, stage: Stage): Instruction[] {
  return lineage(df, stage).flatMap(s => s.instructions)
}

export function finalStage(df: Dockerfile): Stage {
  return df.stages[df.stages.length - 1]
}

/** A JSON exec form (`["a", "b"]`) as an array, else undefined (shell form). */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined
  try {
    const v: unknown = JSON.parse(args)
    return Array.isArray(v) && v.every(x => typeof x === 'string') ? v : undefined
  } catch {
    return undefined
  }
}

/** HEALTHCHECK args without its --options: `CMD [...]` or `NONE`. */
export function healthcheckCommand(args: string): { none: boolean; exec?: string[]; shell?: string } {
  const rest = args.replace(/^(\s*--[a-z-]+=\S+)+\s*/, '').trim()
  if (/^NONE$/i.test(rest)) return { none: true }
  const cmd = rest.replace(/^CMD\s+/i, '')
  const exec = execForm(cmd)
  return exec ? { none: false, exec } : { none: false, shell: cmd }
}

/** Sources and destination of a COPY/ADD, with its --from if any. */
export function copyParts(args: string): { from?: string; sources: string[]; dest: string } {
  const exec = execForm(args)
  const t = exec ?? tokens(args)
  const flags = t.filter(x => x.startsWith('--'))
  const paths = t.filter(x => !x.startsWith('--'))
  const from = flags.find(f => f.startsWith('--from='))?.slice('--from='.length)
  return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] }
}

/**
 * .dockerignore semantics (moby/patternmatcher): patterns relative to the context root, `*` and `?` within a
 * path element, `**` across elements, `!` re-includes, the last matching pattern wins, and a pattern that
 * matches a directory excludes everything below it.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '' && !l.startsWith('#'))
    .map(l => {
      const negate = l.startsWith('!')
      const pattern = (negate ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '')
      return { negate, re: globToRegExp(pattern) }
    })
  return (path: string) => {
    const clean = path.replace(/^\.\//, '').replace(/\/+$/, '')
    const parts = clean.split('/')
    let excluded = false
    for (const rule of rules) {
      for (let n = 1; n <= parts.length; n++) {
        if (rule.re.test(parts.slice(0, n).join('/'))) {
          excluded = !rule.negate
          break
        }
      }
    }
    return excluded
  }
}

export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      i++
      if (glob[i + 1] === '/') {
        i++
        re += '(?:.*/)?'
      } else re += '.*'
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
