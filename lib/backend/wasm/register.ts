/**
 * Registers the library's training kernels for the 'wasm' backend, replacing stock ones.
 */
import * as tf from "@tensorflow/tfjs";
import { installBroadcastGradients } from "./gradients";
import { StockKernels } from "./heap";
import { batchMatMulConfig, fusedMatMulConfig } from "./kernels/matmul";
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig } from "./kernels/conv";
import { maxPoolGradConfig } from "./kernels/pool";
import { dropoutKernelConfig, installDropout } from "./kernels/dropout";
import { fusedBatchNormConfig } from "./kernels/batchnorm";
import { adamKernelConfig, installFusedAdam } from "./kernels/adam";
import { installFusedRmsprop, rmspropKernelConfig } from "./kernels/rmsprop";
import { identityConfig, meanConfig, sumConfig, tileConfig } from "./kernels/reduce";

/** Stock wasm kernels the replacements call into. */
const STOCK_NEEDED = [
  "BatchMatMul",
  "_FusedMatMul",
  "Transpose",
  "Conv2D",
  "Conv2DBackpropInput",
  "Slice",
  "Sum",
  "Mean",
  "Tile",
  "Identity",
  "FusedBatchNorm",
  "Multiply",
  "Add",
  "AvgPool",
];

/**
 * Registers every library kernel for 'wasm' (unregistering the stock kernel of the same name
 * first) and returns their names. Call once, after the wasm backend is active.
 */
export function registerTrainingKernels(): string[] {
  const stock = new StockKernels();
  stock.capture(STOCK_NEEDED);
  const configs: tf.KernelConfig[] = [
    batchMatMulConfig(stock),
    fusedMatMulConfig(stock),
    conv2DBackpropInputConfig(stock),
    conv2DBackpropFilterConfig(stock),
    maxPoolGradConfig(),
    sumConfig(stock),
    meanConfig(stock),
    tileConfig(stock),
    identityConfig(stock),
    adamKernelConfig(),
    rmspropKernelConfig(),
    fusedBatchNormConfig(stock),
    dropoutKernelConfig(),
  ];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, "wasm") != null) tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
  }
  installFusedAdam();
  installFusedRmsprop();
  installDropout();
  installBroadcastGradients();
  return configs.map((c) => c.kernelName);
}
