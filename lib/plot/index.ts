/**
 * `fm.plot`: the pictures the lessons show, each name under the lesson that first uses it. The generic toolkit lives
 * in lib/plot/ (rendering, display, image grids, evaluation charts, model summaries, run charts, tables); a chart that
 * exists for one lesson lives in lib/plot/lessons/lessonNN.ts.
 *
 * Compute and display are separate: `...Spec` functions return vega-lite specs and `...Png` functions return
 * PNG bytes from plain data; `showChart`, `showPng` and the other `show...` functions put them in the notebook.
 *
 * @example await fm.plot.showChart(fm.plot.confusionMatrixSpec(evaluation.confusion));
 */

// Lesson 00: showing a chart or a picture, images, the confusion matrix
export { showChart, showPng } from "./render";
export { imageGridPng } from "./imageGrid";
export { imageSpec } from "./imageCharts";
export { confusionMatrixSpec } from "./evaluationCharts";

// Lesson 01: predictions, per-class accuracy, a model's summary, runs side by side, the source's figures beside ours
export { predictionSpec } from "./imageCharts";
export { perClassAccuracySpec } from "./evaluationCharts";
export { showModelSummary } from "./modelSummary";
export { compareRunsSpec, accuracyDotsSpec } from "./runCharts";
export { showSourceComparison } from "./sourceTable";

// Lesson 02: a model's graph, test accuracy per run and per setting, dead units
export { showModelGraph } from "./modelGraph";
export { testAccuracySpec, settingDotsSpec, SettingValue } from "./runCharts";
export { deadUnitsSpec } from "./lessons/lesson02";

// Lesson 03: feature maps as a grid, tables, where overfitting starts
export { channelGridPng } from "./channelGrid";
export { showTable } from "./table";
export { overfittingSpec } from "./lessons/lesson03";

// Lesson 04: accuracy against steps, the source's ladder beside ours
export { accuracyByStepsSpec, trainingAccuracyBySteps, StepSeries } from "./lessons/lesson04";
export { sourceVersusOursSpec } from "./sourceCharts";

// Lesson 06: every model's record side by side
export {
  recordsOverviewSpec,
  accuracyVsTimeSpec,
  confusionMatricesSpec,
  perClassComparisonSpec,
  sharedConfusionsSpec,
  agreementSpec,
  benchmarkSpec,
} from "./lessons/lesson06";

// Lesson 08: the race against the clock
export { raceSpec } from "./lessons/lesson08";
