// Entry of the `meta` sub-action (meta/action.yml): only dispatches.
import { run } from './run.js'

void run()
