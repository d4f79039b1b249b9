export * from "./agreement";
export * from "./benchmarks";
export * from "./models";
export * from "./records";
