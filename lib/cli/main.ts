#!/usr/bin/env node
/**
 * The `fmnist` command line: dispatches to one command per subcommand and turns user errors and interrupts into exit
 * statuses.
 */
import { UserError } from "../util/errors";
import { Interrupted, stoppableWorkRunning } from "../util/interrupt";
import { BENCH_HELP, benchCommand } from "./benchCommand";
import { DATA_HELP, dataCommand } from "./dataCommand";
import { LESSONS_HELP, lessonsCommand } from "./lessonsCommand";
import { PRESETS_HELP, presetsCommand } from "./presetsCommand";
import { SERVE_HELP, serveCommand } from "./serveCommand";
import { TRAIN_HELP, trainCommand } from "./trainCommand";

interface Command {
  help: string;
  run: (argv: string[]) => Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  data: { help: DATA_HELP, run: dataCommand },
  presets: { help: PRESETS_HELP, run: presetsCommand },
  train: { help: TRAIN_HELP, run: trainCommand },
  lessons: { help: LESSONS_HELP, run: lessonsCommand },
  bench: { help: BENCH_HELP, run: benchCommand },
  serve: { help: SERVE_HELP, run: serveCommand },
};

function usage(): string {
  return [
    "fmnist: the Fashion-MNIST course's command line (npm run --silent fmnist -- <command>)",
    "",
    ...Object.values(COMMANDS).map((c) => c.help),
    "",
    "Environment: FMNIST_BACKEND (tensorflow, wasm+onednn, wasm, cpu), FMNIST_THREADS, FASHION_MNIST_DIR.",
  ].join("\n");
}

/** Exit status of a command stopped by Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
export const INTERRUPTED_STATUS = 130;

/**
 * Ctrl-C while a command runs: the first one lets the work in progress stop at its next batch (the command then
 * prints what it has and exits 130); a second one exits at once: pressed during the same batch it is handled with
 * the first, and after that SIGINT goes back to the system's default action, which ends the process even in the
 * middle of a long batch. With nothing stoppable running, the first Ctrl-C exits at once.
 * Returns a function telling whether Ctrl-C was pressed.
 */
function handleCtrlC(command: string): () => boolean {
  let presses = 0;
  process.on("SIGINT", () => {
    presses++;
    if (presses > 1 || !stoppableWorkRunning()) process.exit(INTERRUPTED_STATUS);
    console.error(`\nfmnist ${command}: stopping after the current batch (Ctrl-C again to quit at once)`);
    setImmediate(() => process.removeAllListeners("SIGINT"));
  });
  return () => presses > 0;
}

/**
 * Runs the CLI; errors meant for people print as one line (no stack trace) and exit with status 1.
 * A command stopped by Ctrl-C prints its partial result and exits with status 130.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`fmnist: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}. Try --help.`);
    return 1;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return 0;
  }
  const interrupted = handleCtrlC(name);
  try {
    await command.run(rest);
    return interrupted() ? INTERRUPTED_STATUS : 0;
  } catch (error) {
    if (error instanceof Interrupted) {
      console.error(`fmnist ${name}: ${error.message}`);
      return INTERRUPTED_STATUS;
    }
    if (error instanceof UserError) {
      console.error(`fmnist ${name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
