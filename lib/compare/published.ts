/**
 * Published Fashion-MNIST test accuracies to set the course's models against, with where each figure comes from.
 * Every number was read from the source named in {@link BENCHMARK_SOURCES}.
 */

/** Where a published figure comes from. */
export type BenchmarkSource = "paper" | "readme";

/** The two sources, as a lesson cites them. */
export const BENCHMARK_SOURCES: Readonly<Record<BenchmarkSource, { cite: string; url: string }>> = Object.freeze({
  paper: {
    cite:
      "H. Xiao, K. Rasul, R. Vollgraf (2017), Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning " +
      "Algorithms, arXiv:1708.07747, Table 3 (scikit-learn classifiers, each the mean of 5 runs; the best setting of each)",
    url: "https://arxiv.org/abs/1708.07747",
  },
  readme: {
    cite:
      "zalandoresearch/fashion-mnist, README, section Benchmark (results submitted by users, which the authors note " +
      "they have not tested), as of commit b2617bb (March 2022)",
    url: "https://github.com/zalandoresearch/fashion-mnist#benchmark",
  },
});

/** One published result. */
export interface PublishedResult {
  /** The classifier, as its source names it. */
  name: string;
  /** Test accuracy, 0..1. */
  accuracy: number;
  /** Preprocessing or augmentation, size: what sets it apart. */
  notes: string;
  source: BenchmarkSource;
}

/** A selection from both sources, from classic machine learning to the best networks listed. */
export const PUBLISHED_RESULTS: readonly PublishedResult[] = Object.freeze([
  { name: "Decision tree", accuracy: 0.798, notes: "entropy, depth 10", source: "paper" },
  { name: "Logistic regression", accuracy: 0.842, notes: "C=1, one-vs-rest, L1", source: "paper" },
  { name: "k nearest neighbours", accuracy: 0.854, notes: "k=5, distance-weighted, Manhattan", source: "paper" },
  { name: "MLPClassifier", accuracy: 0.871, notes: "scikit-learn, ReLU", source: "paper" },
  { name: "Random forest", accuracy: 0.873, notes: "100 trees, entropy", source: "paper" },
  { name: "Gradient boosting", accuracy: 0.88, notes: "100 trees, depth 10", source: "paper" },
  { name: "SVC, RBF kernel", accuracy: 0.897, notes: "C=10", source: "paper" },
  {
    name: "Human performance",
    accuracy: 0.835,
    notes: "crowd-sourced, 1,000 test images, majority of 3 labels",
    source: "readme",
  },
  { name: "MLP 256-128-100", accuracy: 0.8833, notes: "no preprocessing", source: "readme" },
  { name: "2 Conv+pooling (TensorFlow's doc)", accuracy: 0.916, notes: "no preprocessing", source: "readme" },
  { name: "3 Conv+BN+pooling", accuracy: 0.921, notes: "no preprocessing", source: "readme" },
  { name: "3 Conv+pooling+2 FC+dropout", accuracy: 0.926, notes: "no preprocessing", source: "readme" },
  { name: "2 Conv+pooling+BN", accuracy: 0.934, notes: "no preprocessing", source: "readme" },
  { name: "VGG16 26M parameters", accuracy: 0.935, notes: "no preprocessing", source: "readme" },
  { name: "ResNet18", accuracy: 0.949, notes: "normalisation, flips, translation, rotation", source: "readme" },
  {
    name: "WRN40-4 8.9M params",
    accuracy: 0.967,
    notes: "standardisation, random crops, horizontal flips",
    source: "readme",
  },
]);
