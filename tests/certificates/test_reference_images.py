"""Each default certificate template, rendered on the sample data, looks like the reference image a person approved
(tests/certificates/reference/README.md). Rendering is deterministic, so the page differs from its reference only
where the template, the fonts or the layout engine changed: any visible change fails and is looked at."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from certificates.rendering import design_default, render_pdf, sample_values

REFERENCE = Path(__file__).parent / "reference"
DPI = 50
# The mean difference per channel (0–255) and the share of clearly different pixels a page may show: room for
# anti-aliasing differences between poppler builds, none for a moved or missing line of text.
MEAN_LIMIT = 0.5
CHANGED_PIXELS_LIMIT = 0.002


def rasterise(pdf: bytes) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed: .ci/run installs it"
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [pdftoppm, "-r", str(DPI), "-png", "-singlefile", "-f", "1", "-l", "1", "-", f"{folder}/page"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=60,
        )
        with Image.open(f"{folder}/page.png") as image:
            return image.convert("RGB")


@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_the_default_template_looks_like_its_approved_reference(language):
    page = rasterise(render_pdf(design_default(language), sample_values(language), language=language))
    reference_path = REFERENCE / f"default.{language}.png"
    if os.environ.get("REFERENCE_IMAGES_UPDATE") == "1":
        page.save(reference_path)
        pytest.skip(f"{reference_path} written: look at it before committing it")
    reference = Image.open(reference_path).convert("RGB")

    assert page.size == reference.size  # the same page size and orientation
    difference = ImageChops.difference(page, reference)
    mean = sum(ImageStat.Stat(difference).mean) / 3
    changed = sum(difference.convert("L").histogram()[65:]) / (page.width * page.height)
    assert mean <= MEAN_LIMIT and changed <= CHANGED_PIXELS_LIMIT, (
        f"{language}: the page differs from {reference_path.name} (mean {mean:.3f}, {changed:.2%} of pixels changed)"
    )


def test_a_changed_page_is_caught():
    """The comparison is not blind: the English page does not pass for the Arabic reference."""
    page = rasterise(render_pdf(design_default("en"), sample_values("en"), language="en"))
    reference = Image.open(REFERENCE / "default.ar.png").convert("RGB")
    difference = ImageChops.difference(page, reference)
    changed = sum(difference.convert("L").histogram()[65:]) / (page.width * page.height)
    assert changed > CHANGED_PIXELS_LIMIT
