/**
 * `fmnist data`: finds, verifies and describes the Fashion-MNIST files.
 */
import { CLASS_NAMES } from "../data/classes";
import { loadFashionMnist } from "../data/dataset";
import { parseFlags } from "./args";

export const DATA_HELP = `fmnist data [--json]
  Finds Fashion-MNIST (FASHION_MNIST_DIR, data/, /usr/share/datasets/fashion-mnist, else downloads it over HTTPS),
  verifies it and prints where it came from, the counts, per-class counts and whether the checksums matched.`;

/** `fmnist data`: find, verify and describe the data set. */
export async function dataCommand(argv: string[]): Promise<void> {
  const values = parseFlags("data", argv, { json: { type: "boolean" } });
  const started = performance.now();
  const data = await loadFashionMnist();
  const report = {
    source: data.source.kind,
    dir: data.source.dir,
    train: data.train.count,
    test: data.test.count,
    train_per_class: Object.fromEntries(CLASS_NAMES.map((name, i) => [name, data.train.classCounts()[i]])),
    test_per_class: Object.fromEntries(CLASS_NAMES.map((name, i) => [name, data.test.classCounts()[i]])),
    checksums_verified: data.checksums.every((c) => c.matches === true),
    files: data.checksums,
    load_seconds: Math.round(performance.now() - started) / 1000,
  };
  if (values.json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(`Fashion-MNIST from ${report.dir} (${report.source})`);
  console.log(`  train: ${report.train} images, test: ${report.test} images, loaded in ${report.load_seconds} s`);
  console.log(
    `  checksums: ${report.checksums_verified ? "all four match the official release" : "not verified (unzipped files)"}`,
  );
  console.log("  per class (train / test):");
  CLASS_NAMES.forEach((name, i) => {
    console.log(
      `    ${String(i).padStart(2)} ${name.padEnd(12)} ${String(data.train.classCounts()[i]).padStart(6)} / ${data.test.classCounts()[i]}`,
    );
  });
}
