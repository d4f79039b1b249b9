/**
 * What every native kernel needs on top of lib/backend/wasm's view of the wasm backend: the loaded addon, the
 * kernel signature, and pointing the addon at the current heap.
 */
import * as tf from "@tensorflow/tfjs";
import { heapU8, WasmBackendLike } from "../wasm/heap";
import { OnednnAddon, params, syncHeap } from "./addon";
import { ACTIVATION, KernelName, ParamValues, slotName, writeParams } from "./params";

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: { [name: string]: tf.TensorInfo | tf.TensorInfo[] | undefined };
  attrs?: { [name: string]: unknown };
  backend: WasmBackendLike;
}

/** A native kernel: returns its output, or null to let the kernel it replaced handle the call. */
export type NativeKernel = (args: KernelArgs, addon: OnednnAddon) => tf.TensorInfo | tf.TensorInfo[] | null;

/**
 * Runs an addon kernel with its parameters, named as in params.ts's layout for it (the block is cleared first).
 * @throws Error from the addon, with the name of a parameter it found missing
 */
export function callNative<K extends KernelName>(addon: OnednnAddon, kernel: K, values: ParamValues<K>): void {
  writeParams(params, kernel, values);
  try {
    addon[kernel]();
  } catch (error) {
    const message = (error as Error).message.replace(
      /parameter (\d+)/,
      (text, index) => `${text} (${slotName(kernel, Number(index)) ?? "?"})`,
    );
    throw new Error(`${message} [in ${kernel}]`);
  }
}

/** Points the addon at the current heap; call after the outputs are allocated, before the native call. */
export function ready(addon: OnednnAddon, backend: WasmBackendLike): void {
  syncHeap(addon, heapU8(backend));
}

/** The addon's code for an activation tfjs fuses into a kernel; undefined for prelu and anything new (the replaced kernel takes those). */
export function activationCode(activation: unknown): number | undefined {
  const name = (activation ?? "linear") as string;
  return Object.prototype.hasOwnProperty.call(ACTIVATION, name)
    ? ACTIVATION[name as keyof typeof ACTIVATION]
    : undefined;
}
