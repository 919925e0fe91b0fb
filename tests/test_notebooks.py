"""The analyst notebooks run top to bottom on the sample data and draw their charts.

They are committed without outputs; this executes each in a fresh kernel of this interpreter
(the venv's python3 kernel) from the notebooks/ folder.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_catalog_overview", "02_evaluate_and_tune", "03_unmet_needs"]


def _read(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: clear the outputs"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_runs_and_draws_charts(name):
    from nbclient import NotebookClient

    nb = _read(name)
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    started = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=240,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    elapsed = time.perf_counter() - started
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{name} drew no chart"
    kernel_python = nb.cells[-1].outputs[0]["text"].strip()
    assert Path(kernel_python).resolve() == Path(sys.executable).resolve()
    print(f"{name} ran in {elapsed:.0f} s")
