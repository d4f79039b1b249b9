export * from "./classes";
export * from "./dataset";
export * from "./idx";
export * from "./sources";
export * from "./tensors";
export * from "./statistics";
