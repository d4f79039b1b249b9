/**
 * The lesson profile (`full` or `smoke`) from FMNIST_PROFILE, and picking settings by it.
 */
import { UserError } from "../util/errors";

/** `full`: the walkthrough's settings. `smoke`: a small subset and a short epoch, so CI runs each lesson in a minute. */
export type Profile = "full" | "smoke";

/**
 * The profile the lessons run with: FMNIST_PROFILE (set by the lesson runner), default `full`.
 *
 * @throws UserError for any other value
 */
export function currentProfile(): Profile {
  const raw = process.env.FMNIST_PROFILE ?? "full";
  if (raw !== "full" && raw !== "smoke") throw new UserError(`FMNIST_PROFILE must be "full" or "smoke", got "${raw}".`);
  return raw;
}

/** Picks the settings of the current profile: `byProfile({ full: 10, smoke: 1 })`. */
export function byProfile<T>(choices: Record<Profile, T>): T {
  return choices[currentProfile()];
}
