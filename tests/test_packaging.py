"""An installed contractkit works outside the checkout: the wheel carries templates and corpora."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import REPO


def test_wheel_ships_the_data_and_generates_from_elsewhere(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(REPO)],
        check=True, capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("contractkit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "contractkit/_data/corpora/requirements/t-ccia-004-2024.yaml" in names
    assert "contractkit/_data/clause_templates/parameters.yaml" in names
    assert any(n.startswith("contractkit/_data/clause_templates/clauses/general/") for n in names)
    assert any(n.startswith("contractkit/_data/corpora/lexicons/") for n in names)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import contractkit, contractkit.resources as r\n"
        "data = contractkit.generate('provider-hardware', format='txt')\n"
        "print(r.data_root())\n"
        "print(data.decode().splitlines()[0])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == str(site / "contractkit" / "_data")
    assert out[1] == "云计算平台硬件采购及安全维护协议"
