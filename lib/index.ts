/**
 * The Fashion-MNIST course library, as the notebooks import it: `import * as fm from "../dist/lib"`.
 *
 * This file is the whole public vocabulary: each name is listed under the lesson that first uses it (the way a
 * textbook marks where a helper is defined), pictures under `fm.plot` (lib/plot/index.ts) and lesson 07's web page
 * under `fm.web` (lib/web/index.ts). Everything else in lib/ is internal: the CLI and the tests import modules by
 * path. test/api.test.ts fails when a name here is used by no notebook (apart from the short list of names kept for
 * your own experiments) and when a notebook uses a name that is not here.
 *
 * Layering: the folders of lib/ form one stack, and a folder imports only from folders below it:
 * util → backend → data → metrics → models → compare → plot → train → bench → web → cli.
 * util holds what every layer needs (errors, paths, seeds, the lesson profile, the notebook's output channel);
 * metrics and compare hold plain data that computing and showing share (accuracy and confusion matrices, the
 * training and result records, combining records), so plot draws them without importing train, and train
 * shows its board and results through plot. bench measures training speed and draws its own charts; web builds
 * lesson 07's page; cli parses the `fmnist` command line and calls the layers below. Each function is exported
 * under one name only: computations at the top (`fm.argmax`), display under `fm.plot`. test/layering.test.ts
 * checks both rules and that every import is a literal path it can follow.
 */

// Lesson 00 (00-dataset): the backend, the data, the profile a lesson runs in, and the result record every lesson ends with
export { selectBackend, describeBackend } from "./backend/select";
export { CLASS_NAMES } from "./data/classes";
export { ImageSet, loadFashionMnist } from "./data/dataset";
export { pixelStatistics, classMeanImages, firstOfClass, nearestMeanPredictions } from "./data/statistics";
export { toTensors } from "./data/tensors";
export { currentProfile, byProfile } from "./util/profile";
export { reportResult } from "./train/result";

// Lesson 01 (01-basic-classification): a network checked against its preset, a stop button for model.fit, training, evaluating, saving
export { checkAgainstPreset } from "./models/presetCheck";
export { StopOnInterrupt } from "./train/stopOnInterrupt";
export { train } from "./train/train";
export { evaluate } from "./train/evaluate";
export { saveModel, loadModel } from "./train/io";
export { resultOf } from "./train/result";

// Lesson 02 (02-keras-apis): optimizers (Keras's RMSprop among them) and a look inside a run stuck at chance
export { makeOptimizer } from "./models/presets";
export { KerasRMSprop } from "./train/kerasRmsprop";
export { DeadUnits, deadUnits, firstStep, probeRun } from "./train/probe";
export type { TrainOptions, TrainResult } from "./train/train";
export type { Evaluation } from "./train/evaluate";

// Lesson 03 (03-cnn-simple): filters and feature maps, early stopping, saving a model checked against its evaluation, earlier lessons' records
export { ResultRecord, readResults } from "./metrics/results";
export { convFilters, featureMaps, layerNamesOf } from "./models/inspect";
export { earlyStopping } from "./train/earlyStopping";
export { saveModelChecked } from "./train/saveChecked";

// Lesson 04 (04-cnn-deep): training counted in steps, and the source's ladder of experiments built from presets
export { createPreset, presetInfo } from "./models/presets";
export { CNN_DEEP_LADDER, LadderRung } from "./models/ladder";
export { trainSteps, joinFits, StepTrainResult } from "./train/steps";

// Lesson 05 (05-vgg): VGG-11, variants trained on one budget, schedules, augmentation, timing a training step
export { VGG11_PATTERN, countParams } from "./models/presets";
export { createOriginalVgg11 } from "./models/vggOriginal";
export { trainVariants, TrainedVariant, PresetVariant } from "./train/run";
export { learningRateScheduler, warmupCosineSchedule } from "./train/schedule";
export { shiftAndFlip } from "./train/augment";
export { makeBatch } from "./train/batches";
export { timeTrainingSteps } from "./train/timing";

// Lesson 06 (06-comparison): the saved records and models side by side, shared mistakes, published results
export { comparedRecords, comparedModels, recordOfSaved, savedModelName } from "./compare/models";
export { accuracyFrontier, recordLabel, remeasuredRecord, timedTraining } from "./compare/records";
export { agreementHistogram, sharedConfusions, sharedMistakes } from "./compare/agreement";
export { BENCHMARK_SOURCES, PUBLISHED_RESULTS } from "./compare/published";

// Lesson 07 (07-in-the-browser): the class a model picks, and the saved model (or a quick one) for the page
export { argmax } from "./metrics/classification";
export { savedOrQuickPreset } from "./train/run";

// Lesson 08 (08-speedrun): label smoothing (test-time mirroring is `evaluate`'s `mirror` option)
export { smoothedCrossEntropy } from "./train/labelSmoothing";

// Kept for your own experiments although no lesson uses them (test/api.test.ts allows exactly these):
// the errors a cell can catch (the stop button's `Interrupted` carries the run so far in `.partial`),
// and the names `createPreset` accepts.
export { UserError } from "./util/errors";
export { Interrupted } from "./util/interrupt";
export { PRESET_NAMES } from "./models/presets";

export * as plot from "./plot";
export * as web from "./web";
