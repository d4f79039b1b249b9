/**
 * `fm.web`: lesson 07's web page. Preprocessing of drawings and photos (shared with the page), export of a model in
 * tfjs's web format, the esbuild bundle, the local server, and a headless-Chromium check of the page. Every name here
 * is used by 07-in-the-browser.
 */

// Turning a photo or a drawing into Fashion-MNIST's shape, step by step and in pictures
export { preprocessImage, preprocessAblation, boundingBox, borderMedian } from "./preprocess";
export { mockPhoto, mockPhotos } from "./photo";
export { preprocessStepsPng, rgbaPng } from "./stepsPicture";
export { classifyInputs } from "./classify";

// The model in tfjs's web format, the page's bundle, serving it, and checking it in headless Chromium
export { exportForWeb, webExportDir } from "./export";
export { buildPage } from "./bundle";
export { servePage } from "./server";
export { chromiumMissing } from "./chromium";
export { checkPage } from "./pageCheck";
