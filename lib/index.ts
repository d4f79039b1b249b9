/**
 * The Fashion-MNIST course library, as the notebooks import it: `import * as fm from "../dist/lib"`.
 * Data loading, backend selection, model presets, training helpers, and the display toolkit under `fm.plot`.
 *
 * Layering: the folders of lib/ form one stack, and a folder imports only from folders below it:
 * util → backend → data → metrics → models → compare → plot → train → bench → web → cli.
 * util holds what every layer needs (errors, paths, seeds, the lesson profile, the notebook's output channel);
 * metrics and compare hold plain data that computing and showing share (accuracy and confusion matrices, the
 * training and result records, combining records), so plot draws them without importing train, and train
 * shows its board and results through plot. Each function is exported under one name only: computations at
 * the top (`fm.argmax`), display under `fm.plot`. test/layering.test.ts checks both rules.
 */
export * from "./backend";
export * from "./compare";
export * from "./data";
export * from "./metrics";
export * from "./models";
export * from "./train";
export * as plot from "./plot";
export { UserError } from "./util/errors";
export { Interrupted } from "./util/interrupt";
export { Profile, currentProfile, byProfile } from "./util/profile";
export * as web from "./web";
