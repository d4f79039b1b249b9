// Generated from lib/backend/onednn/params.ts by native/onednn/gen-params.js: do not edit.
// Slot 0 of the parameter block holds how many values JS wrote; a kernel's own values start at slot 1.
#pragma once

// Every addon kernel: X(name JS calls it by, C++ function and parameter namespace).
#define ODNN_KERNELS(X) \
  X(conv2d, conv2d) \
  X(matmul, matmul) \
  X(pool2d, pool2d) \
  X(binary, binary) \
  X(unary, unary) \
  X(reduce, reduce) \
  X(addN, add_n) \
  X(tile, tile) \
  X(batchnorm, batchnorm) \
  X(batchnormTrain, batchnorm_train) \
  X(batchnormTrainGrad, batchnorm_train_grad) \
  X(pad, pad) \
  X(adam, adam) \
  X(rmsprop, rmsprop) \
  X(dropoutMask, dropout_mask) \
  X(softmax, softmax) \
  X(argMinMax, arg_min_max) \
  X(select, select)

namespace odnn {
namespace params {

namespace conv2d {
enum : int {
  kKind = 1,
  kX = 2,
  kFilter = 3,
  kY = 4,
  kBias = 5,
  kBatch = 6,
  kInHeight = 7,
  kInWidth = 8,
  kInChannels = 9,
  kFilterHeight = 10,
  kFilterWidth = 11,
  kOutChannels = 12,
  kOutHeight = 13,
  kOutWidth = 14,
  kStrideHeight = 15,
  kStrideWidth = 16,
  kDilationHeight = 17,
  kDilationWidth = 18,
  kPadTop = 19,
  kPadLeft = 20,
  kPadBottom = 21,
  kPadRight = 22,
  kActivation = 23,
  kAlpha = 24,
  kSlots = 24,  // values after the count in slot 0
};
}  // namespace conv2d

namespace matmul {
enum : int {
  kA = 1,
  kB = 2,
  kBias = 3,
  kOut = 4,
  kBatchA = 5,
  kBatchB = 6,
  kM = 7,
  kK = 8,
  kN = 9,
  kTransposeA = 10,
  kTransposeB = 11,
  kActivation = 12,
  kAlpha = 13,
  kSlots = 13,  // values after the count in slot 0
};
}  // namespace matmul

namespace pool2d {
enum : int {
  kMode = 1,
  kX = 2,
  kY = 3,
  kDx = 4,
  kBatch = 5,
  kInHeight = 6,
  kInWidth = 7,
  kChannels = 8,
  kFilterHeight = 9,
  kFilterWidth = 10,
  kOutHeight = 11,
  kOutWidth = 12,
  kStrideHeight = 13,
  kStrideWidth = 14,
  kPadTop = 15,
  kPadLeft = 16,
  kSlots = 16,  // values after the count in slot 0
};
}  // namespace pool2d

namespace binary {
enum : int {
  kOp = 1,
  kA = 2,
  kB = 3,
  kOut = 4,
  kDims = 5,
  kDimsSlots = 4,
  kStridesA = 9,
  kStridesASlots = 4,
  kStridesB = 13,
  kStridesBSlots = 4,
  kSlots = 16,  // values after the count in slot 0
};
}  // namespace binary

namespace unary {
enum : int {
  kOp = 1,
  kX = 2,
  kOut = 3,
  kN = 4,
  kAlpha = 5,
  kBeta = 6,
  kSlots = 6,  // values after the count in slot 0
};
}  // namespace unary

namespace reduce {
enum : int {
  kOp = 1,
  kX = 2,
  kOut = 3,
  kOuter = 4,
  kReduced = 5,
  kInner = 6,
  kSlots = 6,  // values after the count in slot 0
};
}  // namespace reduce

namespace add_n {
enum : int {
  kOut = 1,
  kN = 2,
  kCount = 3,
  kInputs = 4,
  kInputsSlots = 64,
  kSlots = 67,  // values after the count in slot 0
};
}  // namespace add_n

namespace tile {
enum : int {
  kX = 1,
  kOut = 2,
  kElementBytes = 3,
  kRank = 4,
  kShape = 5,
  kShapeSlots = 6,
  kReps = 11,
  kRepsSlots = 6,
  kSlots = 16,  // values after the count in slot 0
};
}  // namespace tile

namespace batchnorm {
enum : int {
  kX = 1,
  kOut = 2,
  kRows = 3,
  kChannels = 4,
  kMean = 5,
  kVariance = 6,
  kScale = 7,
  kOffset = 8,
  kEpsilon = 9,
  kSlots = 9,  // values after the count in slot 0
};
}  // namespace batchnorm

namespace batchnorm_train {
enum : int {
  kX = 1,
  kY = 2,
  kRows = 3,
  kChannels = 4,
  kGamma = 5,
  kBeta = 6,
  kMean = 7,
  kVariance = 8,
  kEpsilon = 9,
  kSlots = 9,  // values after the count in slot 0
};
}  // namespace batchnorm_train

namespace batchnorm_train_grad {
enum : int {
  kDy = 1,
  kX = 2,
  kRows = 3,
  kChannels = 4,
  kMean = 5,
  kVariance = 6,
  kGamma = 7,
  kDmean = 8,
  kDvariance = 9,
  kDx = 10,
  kDgamma = 11,
  kDbeta = 12,
  kEpsilon = 13,
  kSlots = 13,  // values after the count in slot 0
};
}  // namespace batchnorm_train_grad

namespace pad {
enum : int {
  kX = 1,
  kOut = 2,
  kRank = 3,
  kValue = 4,
  kShape = 5,
  kShapeSlots = 6,
  kBefore = 11,
  kBeforeSlots = 6,
  kAfter = 17,
  kAfterSlots = 6,
  kSlots = 22,  // values after the count in slot 0
};
}  // namespace pad

namespace adam {
enum : int {
  kValue = 1,
  kGradient = 2,
  kM = 3,
  kV = 4,
  kNewValue = 5,
  kNewM = 6,
  kNewV = 7,
  kN = 8,
  kBeta1 = 9,
  kBeta2 = 10,
  kOneMinusBeta1 = 11,
  kOneMinusBeta2 = 12,
  kStepSize = 13,
  kInvSqrtBias2 = 14,
  kEpsilon = 15,
  kSlots = 15,  // values after the count in slot 0
};
}  // namespace adam

namespace rmsprop {
enum : int {
  kValue = 1,
  kGradient = 2,
  kMs = 3,
  kMom = 4,
  kNewValue = 5,
  kNewMs = 6,
  kNewMom = 7,
  kN = 8,
  kDecay = 9,
  kOneMinusDecay = 10,
  kMomentum = 11,
  kLearningRate = 12,
  kEpsilon = 13,
  kSlots = 13,  // values after the count in slot 0
};
}  // namespace rmsprop

namespace dropout_mask {
enum : int {
  kOut = 1,
  kN = 2,
  kThreshold = 3,
  kKeep = 4,
  kSeed = 5,
  kSlots = 5,  // values after the count in slot 0
};
}  // namespace dropout_mask

namespace softmax {
enum : int {
  kX = 1,
  kOut = 2,
  kRows = 3,
  kCols = 4,
  kSlots = 4,  // values after the count in slot 0
};
}  // namespace softmax

namespace arg_min_max {
enum : int {
  kX = 1,
  kOut = 2,
  kOuter = 3,
  kReduced = 4,
  kInner = 5,
  kMin = 6,
  kSlots = 6,  // values after the count in slot 0
};
}  // namespace arg_min_max

namespace select {
enum : int {
  kCondition = 1,
  kT = 2,
  kE = 3,
  kOut = 4,
  kN = 5,
  kPerCondition = 6,
  kSlots = 6,  // values after the count in slot 0
};
}  // namespace select

}  // namespace params

namespace conv_kind {
enum : int { kForward = 0, kBackwardData = 1, kBackwardFilter = 2 };
}  // namespace conv_kind

namespace pool_mode {
enum : int { kMaxForward = 0, kMaxBackward = 1 };
}  // namespace pool_mode

namespace activation {
enum : int { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kLeakyrelu = 4, kSigmoid = 5 };
}  // namespace activation

namespace binary_op {
enum : int { kAdd = 0, kSub = 1, kMultiply = 2, kRealDiv = 3, kMaximum = 4, kMinimum = 5, kSquaredDifference = 6, kGreater = 7, kGreaterEqual = 8, kLess = 9, kLessEqual = 10, kEqual = 11, kNotEqual = 12, kLogicalAnd = 13, kLogicalOr = 14 };
}  // namespace binary_op

namespace unary_op {
enum : int { kRelu = 0, kRelu6 = 1, kStep = 2, kSqrt = 3, kRsqrt = 4, kSquare = 5, kExp = 6, kLog = 7, kNeg = 8, kAbs = 9, kReciprocal = 10, kLeakyRelu = 11, kClipByValue = 12, kBoolToFloat = 13 };
}  // namespace unary_op

namespace reduce_op {
enum : int { kSum = 0, kMean = 1, kMax = 2, kMin = 3 };
}  // namespace reduce_op

}  // namespace odnn
