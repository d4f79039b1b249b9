/**
 * Plain data that computing and showing both need, with no tensors and no drawing: classification metrics, the
 * record of a training run, and the result record of a trained model.
 */
export * from "./classification";
export * from "./trainingRecord";
export * from "./results";
