/**
 * The Fashion-MNIST course library, as the notebooks import it: `import * as fm from "../dist/lib"`.
 * Data loading, backend selection, model presets, training helpers, and the display toolkit under `fm.plot`.
 */
export * from "./backend";
export * from "./compare";
export * from "./data";
export * from "./models";
export * from "./train";
export * as plot from "./plot";
export { UserError } from "./util/errors";
export { Interrupted } from "./util/interrupt";
export * as web from "./web";
