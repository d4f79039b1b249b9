/**
 * Choosing and starting the TensorFlow.js backend (tfjs-node, wasm+onednn, wasm or cpu) and describing the choice.
 */
export * from "./select";
