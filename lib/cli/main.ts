#!/usr/bin/env node
import { UserError } from "../util/errors";
import { BENCH_HELP, benchCommand } from "./bench-command";
import { DATA_HELP, dataCommand } from "./data-command";
import { LESSONS_HELP, lessonsCommand } from "./lessons-command";
import { PRESETS_HELP, presetsCommand } from "./presets-command";
import { SERVE_HELP, serveCommand } from "./serve-command";
import { TRAIN_HELP, trainCommand } from "./train-command";

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

/** Runs the CLI; errors meant for people print as one line (no stack trace) and exit with status 1. */
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
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
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
