/**
 * Lesson 03 (03-cnn-simple): training against validation, epoch by epoch, with the epoch early stopping kept marked:
 * where overfitting starts.
 */
import { runRows } from "../runCharts";
import { VegaLiteSpec } from "../render";
import { COLORS, finishSpec, title } from "../specCommon";

/** Per-epoch series of one run with validation, as `fm.train` returns them in `history`. */
export interface EpochHistory {
  loss: number[];
  acc: number[];
  val_loss?: number[];
  val_acc?: number[];
}

/** Options for {@link overfittingSpec}. */
export interface OverfittingOptions {
  title?: string;
  /** 1-based epoch whose weights were kept (the best validation value). */
  bestEpoch: number;
}

/**
 * Loss and accuracy per epoch, training dashed and validation solid, with the kept epoch marked by a vertical line and
 * the epochs after it shaded: from there on the model fits its training images better and unseen ones no better.
 *
 * @throws Error when the history has no validation values or the best epoch is not one of its epochs
 */
export function overfittingSpec(history: EpochHistory, options: OverfittingOptions): VegaLiteSpec {
  const epochs = history.loss.length;
  if (!history.val_loss?.length)
    throw new Error("overfittingSpec needs validation values: train with validationSplit or validationData.");
  if (!(Number.isInteger(options.bestEpoch) && options.bestEpoch >= 1 && options.bestEpoch <= epochs)) {
    throw new Error(`overfittingSpec: bestEpoch ${options.bestEpoch} is not one of the ${epochs} epochs.`);
  }
  const rows = runRows([{ name: "run", history: { ...history } }]).map(({ epoch, metric, split, value }) => ({
    epoch,
    metric,
    split,
    value,
  }));
  const splits = ["train", "validation"];
  // every layer states the same x scale, or vega-lite widens it to the union of the layers' data
  const x = (field: string) => ({
    field,
    type: "quantitative",
    title: "epoch",
    scale: { domain: [1, Math.max(2, epochs)] },
    axis: { format: "d", tickMinStep: 1 },
  });
  const panel = (metric: "loss" | "accuracy", yTitle: string) => ({
    width: 330,
    height: 230,
    layer: [
      {
        data: { values: [{ from: options.bestEpoch, to: Math.max(epochs, options.bestEpoch + 0.5) }] },
        mark: { type: "rect", color: COLORS.wrong, opacity: 0.07, clip: true },
        encoding: { x: x("from"), x2: { field: "to" } },
      },
      {
        data: { values: [{ epoch: options.bestEpoch, text: `kept: epoch ${options.bestEpoch}` }] },
        layer: [
          { mark: { type: "rule", color: COLORS.right, strokeWidth: 2 }, encoding: { x: x("epoch") } },
          {
            mark: { type: "text", align: "left", dx: 4, y: 8, color: COLORS.right, fontSize: 11 },
            encoding: { x: x("epoch"), text: { field: "text" } },
          },
        ],
      },
      {
        data: { values: rows },
        transform: [{ filter: `datum.metric === '${metric}'` }],
        encoding: {
          x: x("epoch"),
          y: { field: "value", type: "quantitative", scale: { zero: false }, axis: { title: yTitle } },
          color: {
            field: "split",
            type: "nominal",
            title: null,
            sort: splits,
            scale: { domain: splits, range: [COLORS.train, COLORS.validation] },
          },
          strokeDash: {
            field: "split",
            type: "nominal",
            title: null,
            sort: splits,
            scale: {
              domain: splits,
              range: [
                [6, 4],
                [1, 0],
              ],
            },
          },
          tooltip: [{ field: "split" }, { field: "epoch" }, { field: "value", title: yTitle, format: ".4f" }],
        },
        layer: [{ mark: { type: "line", strokeWidth: 2 } }, { mark: { type: "point", filled: true, size: 30 } }],
      },
    ],
  });
  return finishSpec({
    title: title(
      options.title ?? "Where overfitting starts",
      "dashed: training data, solid: validation data; shaded: epochs after the kept one",
    ),
    hconcat: [panel("loss", "loss (cross-entropy)"), panel("accuracy", "accuracy (%)")],
    resolve: { scale: { y: "independent" } },
    config: { legend: { orient: "bottom", symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 500 } },
  });
}
