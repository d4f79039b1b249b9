/**
 * The data set: class names, loading and checking the files, statistics, and conversion to tensors.
 */
export * from "./classes";
export * from "./dataset";
export * from "./idx";
export * from "./sources";
export * from "./tensors";
export * from "./statistics";
