/**
 * Comparing the course's models as plain data: published benchmarks, agreement between models, the compared models and
 * their records.
 */
export * from "./agreement";
export * from "./published";
export * from "./models";
export * from "./records";
