"""Write the matrices that ``make_reference.R`` hands to R's ``fpc::clusterboot``.

    .venv/bin/python tests/reference/clusterboot/make_matrices.py
    Rscript tests/reference/clusterboot/make_reference.R

``example_scaled.csv`` is the exact matrix ``KahaneTypology`` clusters on ``data/example``
with the default settings (seed 0): the features of the example, with rare indicators
dropped, transformed (asinh) and scaled (range 0-1), dumped through the fitted estimator.
``example_noisy.csv`` is the same matrix plus Gaussian noise with standard deviation 1
(numpy ``default_rng(16)``). Values are written with 12 significant digits.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import load_dataset
from analysis.typology import KahaneTypology, features_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NOISE_SEED = 16
NOISE_SD = 1.0


def example_matrix() -> pd.DataFrame:
    """The scaled matrix the default typology clusters on the bundled example."""
    features = features_for(load_dataset(ROOT / "data" / "example"))
    model = KahaneTypology(n_boot=0, n_seeds=0, n_subsamples=0, alternatives=False,
                           random_state=0).fit(features)
    return pd.DataFrame(model.feature_space(features), columns=model.features_used_)


def main() -> None:
    clean = example_matrix()
    noise = np.random.default_rng(NOISE_SEED).normal(0.0, NOISE_SD, clean.shape)
    noisy = clean + noise
    clean.to_csv(HERE / "example_scaled.csv", index=False, float_format="%.12g")
    noisy.to_csv(HERE / "example_noisy.csv", index=False, float_format="%.12g")
    print(f"wrote {clean.shape[0]} x {clean.shape[1]} matrices to {HERE}")


if __name__ == "__main__":
    main()
