/**
 * The course's web page (lesson 07): preprocessing of drawings and photos (shared with the page), export of a model
 * in tfjs's web format, the esbuild bundle, the local server, and a headless-Chromium check of the page.
 */
export * from "./preprocess";
export * from "./classify";
export * from "./photo";
export * from "./stepsPicture";
export * from "./export";
export * from "./bundle";
export * from "./server";
export * from "./chromium";
export * from "./pageCheck";
