export * from "./presets";
export * from "./ladder";
export * from "./inspect";
export * from "./vggOriginal";
export * from "./batchNormalization";
