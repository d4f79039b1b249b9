import type { RgbaImage } from "../../lib/web/preprocess";

/** Longest side a dropped picture is drawn at before preprocessing (larger photos only cost time). */
const MAX_SIDE = 512;

/**
 * A drawing pad: dark round strokes on white, drawn with mouse, pen or finger. `onDrawn` gets the pixels each time
 * a stroke ends; `clear` blanks it again.
 */
export function drawingPad(canvas: HTMLCanvasElement, onDrawn: (image: RgbaImage) => void): { clear(): void } {
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  const clear = () => {
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  context.lineCap = "round";
  context.lineJoin = "round";
  context.lineWidth = 18;
  context.strokeStyle = "#111";
  let drawing = false;
  const point = (event: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return [((event.clientX - r.left) * canvas.width) / r.width, ((event.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    const [x, y] = point(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x, y);
    context.stroke();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const [x, y] = point(event);
    context.lineTo(x, y);
    context.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onDrawn(context.getImageData(0, 0, canvas.width, canvas.height));
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  return { clear };
}

/** The pixels of a picture file (any format the browser decodes), scaled down to at most {@link MAX_SIDE}. */
export async function pictureFile(file: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d")!;
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** Calls `onFile` with the first file dropped on `target` (which is outlined while a file hovers over it). */
export function acceptDrops(target: HTMLElement, onFile: (file: File) => void): void {
  target.addEventListener("dragover", (event) => {
    event.preventDefault();
    target.classList.add("drop");
  });
  target.addEventListener("dragleave", () => target.classList.remove("drop"));
  target.addEventListener("drop", (event) => {
    event.preventDefault();
    target.classList.remove("drop");
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
}
