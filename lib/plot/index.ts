/**
 * Display toolkit for the Fashion-MNIST lessons: charts (vega-lite + static SVG fallback), PNG image grids,
 * a live training board, evaluation pictures, model summaries and run comparisons.
 *
 * Compute and display are separate: `...Spec` functions return vega-lite specs and `...Png` functions return
 * PNG bytes from plain data; `showChart`, `showPng`, `showBundle` put them in the notebook.
 *
 * @example import * as plot from "../dist/lib/plot"; await plot.showChart(plot.confusionMatrixSpec(m));
 */
export { className } from "./classNames";
export { DisplayMessage, DisplayWriter, setDisplayWriter, currentDisplayWriter, inNotebook } from "../util/notebook";
export { MimeBundle, ShowOptions, LiveDisplay, encodeBundle, showBundle, newLiveDisplay } from "./display";
export {
  VegaLiteSpec,
  VEGA_LITE_SCHEMA,
  VEGA_LITE_MIME,
  RenderedPng,
  RenderedChart,
  ChartBundleOptions,
  CHART_PROBLEM_PREFIX,
  compileVegaLite,
  chartTitle,
  renderChart,
  chartProblems,
  chartProblemLine,
  renderSvg,
  canRenderPng,
  svgToPng,
  renderPng,
  chartBundle,
  showChart,
  showPng,
} from "./render";
export { NotebookJson, NotebookChartReport, checkNotebookCharts, checkNotebookChartsFile } from "./notebookCharts";
export { Rgb, ImageInput, GrayImage, GrayOptions, toGrayImage, Raster, grayImagePng, pngDataUrl } from "./raster";
export { GridItem, ImageGridOptions, imageGridPng, gridCaption } from "./imageGrid";
export { ImageSpecOptions, PredictionSpecOptions, imageSpec, predictionSpec } from "./imageCharts";
export {
  EvaluationChartOptions,
  MistakesGridOptions,
  confusionMatrixSpec,
  perClassAccuracySpec,
  mistakesGridPng,
} from "./evaluationCharts";
export { smooth, downsample } from "./series";
export { TrainingCurvesOptions, trainingCurvesSpec } from "./trainingCharts";
export { ProgressState, formatDuration, progressBar, progressLine } from "./progress";
export { BoardMode, TrainingBoardOptions, TrainingBoard, trainingBoard } from "./trainingBoard";
export {
  SummaryLayer,
  SummaryModel,
  LayerSummary,
  ModelSummary,
  summarizeModel,
  formatCount,
  modelSummaryText,
  modelSummaryHtml,
  modelSummaryBundle,
  showModelSummary,
} from "./modelSummary";
export {
  MetricHistory,
  NamedRun,
  CompareRunsOptions,
  ModelScore,
  NamedAccuracy,
  SettingValue,
  SettingDotsOptions,
  compareRunsSpec,
  testAccuracySpec,
  accuracyDotsSpec,
  settingDotsSpec,
} from "./runCharts";
export { COLORS } from "./specCommon";
export { GraphLayer, GraphModel, modelGraphSvg, showModelGraph } from "./modelGraph";
export { NamedDeadUnits, deadUnitsSpec } from "./lessons/lesson02";
export { SourceFigure, SourceTableOptions, sourceComparisonBundle, showSourceComparison } from "./sourceTable";
export { ChannelGridOptions, channelGridPng } from "./channelGrid";
export { SourceComparisonStep, SourceComparisonOptions, sourceVersusOursSpec } from "./sourceCharts";
export { EpochHistory, OverfittingOptions, overfittingSpec } from "./lessons/lesson03";
export { TableRow, TableOptions, tableBundle, showTable } from "./table";
export { RESULT_MIME, showResult } from "./resultCard";
export { StepSeries, StepsChartOptions, accuracyByStepsSpec, trainingAccuracyBySteps } from "./lessons/lesson04";
export {
  ComparedRecord,
  recordsOverviewSpec,
  accuracyVsTimeSpec,
  confusionMatricesSpec,
  perClassComparisonSpec,
  sharedConfusionsSpec,
  agreementSpec,
  benchmarkSpec,
} from "./lessons/lesson06";
