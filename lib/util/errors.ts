/**
 * `UserError`, the error for bad input that the notebooks and the CLI show as one line naming the fix.
 */

/**
 * Node's \`util.inspect.custom\` symbol, reached through the global symbol registry rather than an import of "util",
 * so that this module also bundles for the browser (lesson 07's page uses the library's preprocessing).
 */
const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom");

/**
 * An error meant for a person, not a stack trace: the message names the thing that is wrong and says what to do.
 * The CLI prints only the message of such errors; notebooks show it as the cell's error, in one line (tslab prints
 * a failed cell's error with `util.inspect`, which this class answers with its name and message alone).
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }

  [INSPECT_CUSTOM](): string {
    return `${this.name}: ${this.message}`;
  }
}
