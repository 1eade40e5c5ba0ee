# Reference results of R's fpc::clusterboot on the matrices written by make_matrices.py.
#
#   .venv/bin/python tests/reference/clusterboot/make_matrices.py
#   Rscript tests/reference/clusterboot/make_reference.R
#
# Needs R with the fpc package (Debian: apt-get install r-base-core r-cran-fpc). Run from
# anywhere; reads and writes beside this script. Settings as clusterboot's defaults for
# k-means: bootmethod "boot" (distinct points of each resample, unweighted), B = 100,
# clustermethod kmeansCBI with runs = 10 (ten kmeans() calls per resample, random starts,
# Hartigan-Wong, the best within-cluster sum of squares kept), dissolution 0.5, recover 0.75.
# Each case is run under three seeds: the first (seed 1) is the reference the tests compare
# with; the spread over the three shows clusterboot's own Monte Carlo variation.
#
# Writes
#   results.csv     case, matrix, k, seed, cluster, size, bootmean, bootbrd, bootrecover
#                   (bootbrd: resamples with Jaccard <= 0.5; bootrecover: > 0.75; out of B)
#   partitions.csv  case, seed, row (1-based), cluster: clusterboot's own partition of the
#                   whole matrix (kmeansCBI with runs = 10), which its Jaccard values refer to

suppressPackageStartupMessages(library(fpc))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

cases <- data.frame(case = c("clean_k4", "clean_k6", "noisy_k4"),
                    matrix = c("example_scaled.csv", "example_scaled.csv", "example_noisy.csv"),
                    k = c(4, 6, 4), stringsAsFactors = FALSE)
seeds <- c(1, 2, 3)
B <- 100
runs <- 10

results <- list()
partitions <- list()
for (i in seq_len(nrow(cases))) {
  z <- as.matrix(read.csv(file.path(here, cases$matrix[i])))
  for (seed in seeds) {
    cb <- clusterboot(z, B = B, bootmethod = "boot", clustermethod = kmeansCBI,
                      k = cases$k[i], runs = runs, count = FALSE, seed = seed)
    results[[length(results) + 1]] <- data.frame(
      case = cases$case[i], matrix = cases$matrix[i], k = cases$k[i], seed = seed,
      cluster = seq_len(cb$nc), size = as.vector(table(factor(cb$partition, levels = seq_len(cb$nc)))),
      bootmean = round(cb$bootmean, 6), bootbrd = cb$bootbrd, bootrecover = cb$bootrecover)
    partitions[[length(partitions) + 1]] <- data.frame(
      case = cases$case[i], seed = seed, row = seq_len(nrow(z)), cluster = cb$partition)
    cat(cases$case[i], "seed", seed, ":", round(cb$bootmean, 3), "\n")
  }
}
write.csv(do.call(rbind, results), file.path(here, "results.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, partitions), file.path(here, "partitions.csv"), row.names = FALSE, quote = FALSE)
cat("R", R.version$major, ".", R.version$minor, " fpc ", as.character(packageVersion("fpc")), "\n", sep = "")
