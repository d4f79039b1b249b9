/**
 * Flag parsing shared by the CLI's commands: Node's `util.parseArgs` with one-line errors for people.
 */
import { parseArgs } from "util";
import { UserError } from "../util/errors";

/** Flag declarations: each flag is a string or a boolean. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

/** Parsed flags: strings, string lists (multiple) or booleans. */
export type FlagValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** Parses a command's flags with Node's `util.parseArgs`, turning its errors into one-line user errors. */
export function parseFlags(command: string, argv: string[], options: FlagSpec): FlagValues {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as FlagValues;
  } catch (error) {
    throw new UserError(`${(error as Error).message}. See \`fmnist ${command} --help\`.`);
  }
}

/** Reads a string flag. */
export function stringFlag(values: FlagValues, flag: string): string | undefined {
  const raw = values[flag];
  return typeof raw === "string" ? raw : undefined;
}

/** Reads a positive integer flag, or throws a one-line error naming the flag. */
export function positiveInt(values: FlagValues, flag: string): number | undefined {
  const raw = stringFlag(values, flag);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag} must be a positive integer, got "${raw}".`);
  return n;
}
