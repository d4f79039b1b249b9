export * from "./presets";
export * from "./vggOriginal";
