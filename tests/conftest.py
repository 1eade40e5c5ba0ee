"""Shared fixtures: small, seeded, hand-checkable datasets written to temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example"
STAFFORDSHIRE = ROOT / "data" / "staffordshire"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "data" / "real"


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{name: text or bytes}`` into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return folder


TINY = {
    "councils.csv": (
        "council_code,council_name,tier,region,population,deprivation\n"
        "A1,Alpha County,county,North East,1000,10\n"
        "B1,Beta District,district,North East,200,20\n"
        "C1,Gamma Unitary,unitary,London,500,30\n"
    ),
    "partnerships.csv": (
        "partnership_id,name,type,established,dissolved,lead_council_code\n"
        "P1,Alpha Board,health_wellbeing_board,2010,,A1\n"
        "P2,Beta Shared Service,shared_service,2011,2013,B1\n"
    ),
    "memberships.csv": (
        "partnership_id,member_id,member_name,sector,role,council_code\n"
        "P1,A1,Alpha County,local_government,responsible,A1\n"
        "P1,NHS1,Alpha NHS,health,member,\n"
        "P2,B1,Beta District,local_government,responsible,B1\n"
    ),
    "activity.csv": (
        "partnership_id,year,meetings,attendance_rate\n"
        "P1,2010,4,0.8\nP1,2011,5,90%\nP2,2011,10,0.5\n"
    ),
    "finance.csv": (
        "council_code,year,spending_power_gbp_m,population\n"
        "A1,2010-11,100,1000\nA1,2011/12,99,1000\nB1,2010,20,200\nB1,2011,18,200\n"
        "C1,2010,50,500\nC1,2011,45,500\n"
    ),
    "deflators.csv": "year,deflator\n2010,100\n2011,102\n",
}


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    """A three-council, two-partnership dataset that validates cleanly."""
    return write_files(tmp_path / "tiny", TINY)


@pytest.fixture(autouse=True)
def _no_figures_leak_between_tests():
    """Close every matplotlib figure before and after each test (only where pyplot is loaded)."""
    import sys

    def close():
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")

    close()
    yield
    close()
