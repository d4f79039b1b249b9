/**
 * Class names as charts print them: the data set's ten names, or `class N` for a label beyond a list.
 */
import { CLASS_NAMES } from "../data/classes";

/**
 * The ten Fashion-MNIST class names, indexed by label (0 = "T-shirt/top" ... 9 = "Ankle boot"), re-exported
 * from lib/data so every chart uses the same names unless a call passes its own list.
 */
export { CLASS_NAMES };

/**
 * Returns the display name of a class label.
 *
 * @param label - integer class index.
 * @param classNames - names to use (defaults to {@link CLASS_NAMES}).
 * @returns the name, or `"class <label>"` when the list has no entry for that label.
 */
export function className(label: number, classNames: readonly string[] = CLASS_NAMES): string {
  const name = classNames[label];
  return name === undefined ? `class ${label}` : name;
}
