/**
 * `fmnist serve`: bundles lesson 07's web page and serves it with the exported model.
 */
import { Profile } from "../util/profile";
import { UserError } from "../util/errors";
import { buildPage } from "../web/bundle";
import { requireExport, webExportDir } from "../web/export";
import { servePage } from "../web/server";
import { parseFlags, positiveInt, stringFlag } from "./args";

export const SERVE_HELP = `fmnist serve [--profile full|smoke] [--port N]
  Serves lesson 07's web page with the model it exported (data/web/<profile>/, default full) on 127.0.0.1 only,
  on a free port unless --port is given, and prints the address. Ctrl+C stops it.`;

/** `fmnist serve` (`npm run serve`): bundle the page, then serve it until interrupted. */
export async function serveCommand(argv: string[]): Promise<void> {
  const values = parseFlags("serve", argv, { profile: { type: "string" }, port: { type: "string" } });
  const profile = stringFlag(values, "profile") ?? process.env.FMNIST_PROFILE ?? "full";
  if (profile !== "full" && profile !== "smoke")
    throw new UserError(`--profile must be full or smoke, got "${profile}".`);
  const dir = webExportDir(profile as Profile);
  requireExport(dir, profile as Profile);
  await buildPage();
  const server = await servePage(dir, { port: positiveInt(values, "port") });
  console.log(
    `Serving lesson 07's page (${profile} model) on ${server.url} — open it in a browser; Ctrl+C stops the server.`,
  );
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await server.close();
}
