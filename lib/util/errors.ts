import { inspect } from "util";

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

  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}
