/**
 * MaxPoolGrad for the wasm backend as one pass over the wasm heap: each pooling window routes
 * its output gradient to the first maximum of the window (row-major), as the cpu backend does.
 */
import * as tf from "@tensorflow/tfjs";
import { WasmBackendLike, alloc, f32Offset, heapF32 } from "../heap";

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** MaxPoolGrad kernel config. */
export function maxPoolGradConfig(): tf.KernelConfig {
  return {
    kernelName: "MaxPoolGrad",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      const a = attrs as unknown as PoolAttrs;
      const be = backend as unknown as WasmBackendLike;
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const {
        batchSize: B,
        inHeight: H,
        inWidth: W,
        inChannels: C,
        outHeight: oh,
        outWidth: ow,
        strideHeight: sh,
        strideWidth: sw,
        effectiveFilterHeight: fh,
        effectiveFilterWidth: fw,
        padInfo,
      } = info;
      const dx = alloc(be, input.shape);
      const heap = heapF32(be);
      const xo = f32Offset(be, input);
      const dyo = f32Offset(be, dy);
      const dxo = f32Offset(be, dx);
      if (
        fh === 2 &&
        fw === 2 &&
        sh === 2 &&
        sw === 2 &&
        padInfo.top === 0 &&
        padInfo.left === 0 &&
        oh * 2 <= H &&
        ow * 2 <= W
      ) {
        pool2x2Grad(heap, xo, dyo, dxo, B, H, W, C, oh, ow);
        return dx;
      }
      heap.fill(0, dxo, dxo + B * H * W * C);
      const bases = new Int32Array(fh * fw);
      for (let n = 0; n < B; n++) {
        for (let y = 0; y < oh; y++) {
          const r0 = y * sh - padInfo.top;
          for (let x = 0; x < ow; x++) {
            const c0 = x * sw - padInfo.left;
            let nb = 0;
            for (let r = Math.max(0, r0); r < Math.min(H, r0 + fh); r++) {
              for (let c = Math.max(0, c0); c < Math.min(W, c0 + fw); c++) bases[nb++] = ((n * H + r) * W + c) * C;
            }
            const g = dyo + ((n * oh + y) * ow + x) * C;
            if (nb === 4) {
              const b0 = bases[0],
                b1 = bases[1],
                b2 = bases[2],
                b3 = bases[3];
              for (let ch = 0; ch < C; ch++) {
                let best = -Infinity;
                let bi = -1;
                let v = heap[xo + b0 + ch];
                if (v > best) {
                  best = v;
                  bi = b0;
                }
                v = heap[xo + b1 + ch];
                if (v > best) {
                  best = v;
                  bi = b1;
                }
                v = heap[xo + b2 + ch];
                if (v > best) {
                  best = v;
                  bi = b2;
                }
                v = heap[xo + b3 + ch];
                if (v > best) {
                  best = v;
                  bi = b3;
                }
                if (bi >= 0) heap[dxo + bi + ch] += heap[g + ch];
              }
            } else {
              for (let ch = 0; ch < C; ch++) {
                let best = -Infinity;
                let bi = -1;
                for (let i = 0; i < nb; i++) {
                  const v = heap[xo + bases[i] + ch];
                  if (v > best) {
                    best = v;
                    bi = bases[i];
                  }
                }
                if (bi >= 0) heap[dxo + bi + ch] += heap[g + ch];
              }
            }
          }
        }
      }
      return dx;
    },
  };
}

/**
 * 2x2 stride-2 unpadded windows never overlap, so every dx element is written exactly once
 * (no zero fill, no read-modify-write); rows/columns left over by odd sizes get zeros.
 */
function pool2x2Grad(
  h: Float32Array,
  xo: number,
  dyo: number,
  dxo: number,
  B: number,
  H: number,
  W: number,
  C: number,
  oh: number,
  ow: number,
): void {
  const rowLen = W * C;
  for (let n = 0; n < B; n++) {
    for (let y = 0; y < oh; y++) {
      const r0 = (n * H + 2 * y) * rowLen;
      const r1 = r0 + rowLen;
      let g = dyo + (n * oh + y) * ow * C;
      for (let x = 0; x < ow; x++) {
        const a = r0 + 2 * x * C;
        const b = a + C;
        const c = r1 + 2 * x * C;
        const d = c + C;
        for (let ch = 0; ch < C; ch++) {
          const va = h[xo + a + ch];
          const vb = h[xo + b + ch];
          const vc = h[xo + c + ch];
          const vd = h[xo + d + ch];
          const gv = h[g + ch];
          // First maximum in row-major order wins; NaN never wins; an all -Infinity/NaN window gets nothing.
          let best = -Infinity;
          let k = -1;
          if (va > best) {
            best = va;
            k = 0;
          }
          if (vb > best) {
            best = vb;
            k = 1;
          }
          if (vc > best) {
            best = vc;
            k = 2;
          }
          if (vd > best) {
            k = 3;
          }
          h[dxo + a + ch] = k === 0 ? gv : 0;
          h[dxo + b + ch] = k === 1 ? gv : 0;
          h[dxo + c + ch] = k === 2 ? gv : 0;
          h[dxo + d + ch] = k === 3 ? gv : 0;
        }
        g += C;
      }
      if (ow * 2 < W) {
        // Odd width: the last column of both rows is in no window.
        h.fill(0, dxo + r0 + 2 * ow * C, dxo + r0 + rowLen);
        h.fill(0, dxo + r1 + 2 * ow * C, dxo + r1 + rowLen);
      }
    }
    if (oh * 2 < H) {
      const last = (n * H + 2 * oh) * rowLen;
      h.fill(0, dxo + last, dxo + (n + 1) * H * rowLen);
    }
  }
}
