/**
 * `models`: estimators. Linear and ridge regression on fixed features, random features, kernels
 * (classical and the closed-form infinite-width network kernels), kernel regression and gradient
 * descent on a kernel model in closed form (a lazy network). Networks are built and trained in
 * `train`; experiments that use these live in `experiments`.
 */
export * from "./linear";
export * from "./randomFeatures";
export * from "./kernels";
export * from "./kernelDynamics";
