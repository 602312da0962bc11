"""The paper's own RECOLA numbers, kept apart from anything this pipeline computes."""

from __future__ import annotations

import pandas as pd

# Audio-only RECOLA numbers as printed in the paper (Tables 1 and 2); None = not reported.
PAPER_RECOLA = {
    "arousal": [
        ("Valstar et al. [2] (AVEC 2016 baseline)", None, 0.796, None, 0.648),
        ("Brady et al. [6]", 0.107, 0.846, None, None),
        ("Povolny et al. [7]", 0.114, 0.832, 0.141, 0.682),
        ("BLSTM [24]", 0.103, 0.853, 0.143, 0.664),
        ("Dilated", 0.102, 0.857, 0.137, 0.684),
        ("Down/Up", 0.100, 0.867, 0.137, 0.681),
    ],
    "valence": [
        ("Valstar et al. [2] (AVEC 2016 baseline)", None, 0.455, None, 0.375),
        ("Brady et al. [6]", 0.132, 0.450, None, None),
        ("Povolny et al. [7]", 0.142, 0.489, 0.355, 0.349),
        ("BLSTM [24]", 0.113, 0.518, 0.116, 0.499),
        ("Dilated", 0.117, 0.538, 0.121, 0.486),
        ("Down/Up", 0.107, 0.592, 0.117, 0.502),
    ],
}
PAPER_COLUMNS = ["method", "dev_rmse", "dev_ccc", "test_rmse", "test_ccc"]


def paper_table(dimension: str) -> pd.DataFrame:
    return pd.DataFrame(PAPER_RECOLA[dimension], columns=PAPER_COLUMNS)
