/**
 * The course's models: the walkthroughs' architectures as presets, lesson 04's ladder, VGG-11 at ImageNet size, and
 * reading a model's filters and feature maps.
 */
export * from "./presets";
export * from "./ladder";
export * from "./inspect";
export * from "./vggOriginal";
export * from "./presetCheck";
