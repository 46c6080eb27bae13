"""The README's screenshots of the report and the figure browser, from the bundled example.

    python docs/screenshots.py                      # docs/img/report.png, figure_browser.png, dotplot.png, heatmap.png
    python docs/screenshots.py --workdir /tmp/run   # where the example runs (reused when up to date)

Runs the workflow on resources/example/ (records and lists) in the work folder, makes the
Snakemake report (`snakemake --report report.html`) and photographs, in headless Chromium
(Debian's `chromium`, driven by Playwright): the report showing a library's figure browser, and
the figure browser alone with a search typed; and copies the example's dot plot and heat map
(what the workflow drew, unchanged) for the README. Not a test: rerun it when the pages change, look
at the images, and commit them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "img"
EXAMPLE = REPO / "resources" / "example"
LIBRARY = "pfocr_example_Homo_sapiens_entrez"


def run_example(workdir: Path) -> None:
    snakemake = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir)]
    config = ["--configfile", str(REPO / "config.yaml"), "--config", f"records={EXAMPLE / 'records'}"]
    config.append(f"lists={EXAMPLE / 'lists'}")
    for extra in (["--cores", "2"], ["--report", "report.html"]):
        done = subprocess.run([*snakemake, *extra, *config], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"snakemake {' '.join(extra)} failed in {workdir}:\n{done.stderr[-3000:]}")


def save(page, path: Path) -> None:
    """A screenshot as a 256-colour PNG: text and flat colours lose nothing visible, and the
    file a third of the size."""
    page.screenshot(path=path)
    Image.open(path).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(REPO)}: {path.stat().st_size / 1000:.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pfocr_enrich_screenshots")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium (and pip install playwright)")
    from playwright.sync_api import sync_playwright

    run_example(args.workdir)
    IMAGES.mkdir(parents=True, exist_ok=True)
    plots = args.workdir / "results/plots" / LIBRARY
    for source, target in (("inflammation_symbols.dotplot.png", "dotplot.png"), ("heatmap.png", "heatmap.png")):
        shutil.copyfile(plots / source, IMAGES / target)
        print(f"{(IMAGES / target).relative_to(REPO)}: {(IMAGES / target).stat().st_size / 1000:.0f} kB")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)

        report = browser.new_page(viewport={"width": 1440, "height": 720})
        report.goto((args.workdir / "report.html").as_uri())
        report.get_by_text(LIBRARY, exact=True).click()
        report.get_by_text("All lists", exact=True).click()
        report.locator("tr", has_text="figure browser (search)").first.locator("a").first.click()
        shown = report.frame_locator("iframe")
        shown.locator("#search").fill("STAT3")
        report.wait_for_timeout(300)
        save(report, IMAGES / "report.png")

        page = browser.new_page(viewport={"width": 1280, "height": 340})
        page.goto((args.workdir / f"results/report/figures/{LIBRARY}.html").as_uri())
        page.check("#significant")
        page.fill("#search", "NFKB1")
        page.wait_for_timeout(100)
        save(page, IMAGES / "figure_browser.png")
        browser.close()


if __name__ == "__main__":
    main()
