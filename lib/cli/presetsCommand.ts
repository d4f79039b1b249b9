/**
 * `fmnist presets`: lists the model presets with their parameter counts.
 */
import { selectBackend } from "../backend/select";
import { PRESET_NAMES, presetInfo } from "../models/presets";
import { parseFlags } from "./args";

export const PRESETS_HELP = `fmnist presets [--json]
  Lists every model preset with its parameter counts (--json: one object per line).`;

/** `fmnist presets`: list the model presets and their parameter counts. */
export async function presetsCommand(argv: string[]): Promise<void> {
  const values = parseFlags("presets", argv, { json: { type: "boolean" } });
  await selectBackend({ backend: "cpu" }); // counting parameters needs no fast backend
  for (const name of PRESET_NAMES) {
    const info = presetInfo(name);
    if (values.json) {
      console.log(
        JSON.stringify({
          name,
          params: info.params,
          trainable_params: info.trainableParams,
          batch: info.batchSize,
          optimizer: info.optimizer,
          source: info.source,
        }),
      );
    } else {
      console.log(
        `${name.padEnd(15)} ${info.params.toLocaleString("en-US").padStart(10)} params (${info.trainableParams.toLocaleString("en-US")} trainable)  batch ${info.batchSize}, ${info.optimizer}  — ${info.description}`,
      );
    }
  }
}
