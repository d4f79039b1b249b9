/**
 * Training and measuring models: `fm.train`, evaluation, saving, schedules, early stopping, and each lesson's result
 * record.
 */
export * from "./batches";
export * from "./evaluate";
export * from "./io";
export * from "./result";
export * from "./train";
export * from "./run";
export * from "./stopOnInterrupt";
export * from "./stoppableLoop";
export * from "./steps";
export * from "./earlyStopping";
export * from "./saveChecked";
export * from "./augment";
export * from "./schedule";
export * from "./timing";
export * from "./probe";
export * from "./kerasRmsprop";
