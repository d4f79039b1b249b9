export * from "./presets";
export * from "./ladder";
export * from "./inspect";
