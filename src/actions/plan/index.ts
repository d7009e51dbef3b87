// Entry of the `plan` sub-action (plan/action.yml): only dispatches.
import { run } from './run.js'

await run()
