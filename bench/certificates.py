"""Certificates per second per core: the default template in each language through xhtml2pdf, next to ReportLab
drawing the same page directly (the floor).

    .venv/bin/python bench/certificates.py [--seconds N] [--json out.json] [--profile [LANG]] [--experiments]

Goals (issue #6, item 9): the xhtml2pdf path within 2× of direct drawing per certificate, and 100,000 certificates
within one hour on the worker processes of one 2-core machine (≈ 14 certificates/s per core).

For each language it warms up (the first render of a process loads and parses the fonts), renders the sample
certificate for ``--seconds`` in this process, then the same in one process per core at once (what a Celery worker
with ``--concurrency=<cores>`` does). ``--phases`` splits one certificate's time into its stages, ``--profile``
prints cProfile's top entries, ``--experiments`` measures candidate speed-ups applied by monkeypatching (nothing in
the project is changed). No database is needed: the values are ``sample_values`` and the designs are the defaults.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import multiprocessing
import os
import platform
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file's folder comes first on the path when it runs as a script, and its name hides the certificates app.
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

import django  # noqa: E402

django.setup()

import arabic_reshaper  # noqa: E402
import segno  # noqa: E402
from django.utils import formats, translation  # noqa: E402
from reportlab.lib import colors, rl_accel  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from xhtml2pdf.bidi import CONTROL_CHARS, get_display  # noqa: E402

from certificates import rendering  # noqa: E402
from certificates.rendering import design_default, render_html, render_pdf, sample_values  # noqa: E402
from core import pdf as core_pdf  # noqa: E402
from core.pdf import ARABIC_SCRIPT_LANGUAGES, FONTS_DIR, html_to_pdf  # noqa: E402

LANGUAGES = ("en", "ru", "ar")
COHORT = 100_000
GOAL_SECONDS = 3600
RATIO_GOAL = 2.0


# Timing ---------------------------------------------------------------------------------------------------------


def timed_loop(make: Callable[[], bytes], seconds: float, *, warmup: int = 3, min_runs: int = 5) -> dict:
    """Run ``make`` for ``seconds`` after ``warmup`` calls: count, wall and CPU time, ms per certificate."""
    for _ in range(warmup):
        make()
    count, wall_start, cpu_start = 0, time.perf_counter(), time.process_time()
    while count < min_runs or time.perf_counter() - wall_start < seconds:
        make()
        count += 1
    wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    return {"count": count, "seconds": wall, "cpu_seconds": cpu, "ms": 1000 * wall / count, "per_s": count / wall}


def _parallel_worker(args: tuple[str, str, float]) -> int:
    kind, language, seconds = args
    make = certificate_maker(kind, language)
    for _ in range(3):
        make()
    _BARRIER.wait()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        make()
        count += 1
    return count


_BARRIER = None


def parallel_rate(kind: str, language: str, seconds: float, processes: int) -> dict:
    """Certificates per second of ``processes`` processes rendering at once (forked: each warms up its own fonts)."""
    global _BARRIER
    ctx = multiprocessing.get_context("fork")
    _BARRIER = ctx.Barrier(processes)
    with ctx.Pool(processes) as pool:
        counts = pool.map(_parallel_worker, [(kind, language, seconds)] * processes)
    return {"processes": processes, "count": sum(counts), "per_s": sum(counts) / seconds}


def cpu_ms(result: dict) -> float:
    return 1000 * result["cpu_seconds"] / result["count"]


def hours_for_cohort(per_s: float) -> float:
    return COHORT / per_s / 3600


def certificate_maker(kind: str, language: str) -> Callable[[], bytes]:
    design = design_default(language)
    values = sample_values(language)
    if kind == "xhtml2pdf":
        return lambda: render_pdf(design, values, language=language)
    page = direct_page(language)
    return lambda: direct_pdf(page, values, language=language)


# ReportLab drawing the same page directly --------------------------------------------------------------------------

PAGE = landscape(A4)
BLUE, GREY, INK, LIGHT = (colors.HexColor(x) for x in ("#1d4e89", "#52606d", "#1f2933", "#8fb3de"))
# default.css, by class: size (pt), bold, colour, space above (pt), letter spacing (pt)
STYLES = {
    "kicker": (12, True, BLUE, 0, 3),
    "h1": (21, True, BLUE, 0.15 * cm, 0),
    "lead": (12, False, GREY, 0.15 * cm, 0),
    "name": (24, True, INK, 0.2 * cm, 0),
    "latin": (12, False, GREY, 0, 0),
    "title": (16, True, BLUE, 0.2 * cm, 0),
    "meta": (11, False, INK, 0.25 * cm, 0),
    "comp-head": (10, False, GREY, 0.3 * cm, 0),
    "competency": (10, False, INK, 0, 0),
}
_LINE = re.compile(r'<p class="([\w-]+)"[^>]*>(.*?)</p>|<h1>(.*?)</h1>|<td class="verify"[^>]*>(.*?)</td>', re.S)
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@functools.cache
def register_fonts() -> None:
    """The fonts ``core/fonts`` ships, as ReportLab TrueType fonts (once per process, as xhtml2pdf does)."""
    for name, file in (
        ("Direct Sans", "DejaVuSans.ttf"),
        ("Direct Sans Bold", "DejaVuSans-Bold.ttf"),
        ("Direct Arabic", "Amiri-Regular.ttf"),
        ("Direct Arabic Bold", "Amiri-Bold.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))


@functools.cache
def direct_page(language: str) -> tuple[tuple[str, str], ...]:
    """The default template's lines for ``language`` as (class, text with placeholders), read once: the constants a
    hand-written ReportLab certificate would have. The verification cell's lines come last, as class "verify"."""
    register_fonts()
    lines = []
    for cls, text, heading, verify in _LINE.findall(design_default(language).body):
        if verify:
            lines.extend(("verify", part.strip()) for part in re.split(r"<br\s*/?>", verify))
        else:
            lines.append((cls or "h1", (text or heading).strip()))
    return tuple(lines)


def _plain_values(values: dict, language: str) -> dict[str, str]:
    """The placeholders as plain text, formatted as ``certificates.rendering`` formats them."""

    def day(value) -> str:
        if not value:
            return ""
        return "\u2068" + formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT") + "\u2069"

    try:
        number = Decimal(str(values["hours"]))
        number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
        hours = formats.number_format(number, use_l10n=True)
    except (InvalidOperation, ValueError):
        hours = str(values["hours"])
    until = values.get("valid_until")
    return {
        **{key: str(value) for key, value in values.items() if isinstance(value, str)},
        "hours": hours,
        "completion_date": day(values["completion_date"]),
        "issue_date": day(values["issue_date"]),
        "validity": translation.gettext("Valid until %(date)s") % {"date": day(until)} if until else "",
        "verification_code": "\u2066" + values["verification_code"] + "\u2069",
        "verification_url": "\u2066" + values["verification_url"] + "\u2069",
    }


def _visual(text: str, rtl: bool) -> str:
    """Arabic as xhtml2pdf draws it: letters joined by arabic-reshaper, then put in visual order by xhtml2pdf's own
    bidi algorithm (python-bidi is not installed; xhtml2pdf does not use it)."""
    if rtl:
        text = get_display(arabic_reshaper.reshape(text), base_dir="R")
    return "".join(char for char in text if char not in CONTROL_CHARS)


def direct_pdf(page: tuple[tuple[str, str], ...], values: dict, *, language: str) -> bytes:
    """The default certificate drawn with ReportLab's canvas: same fonts, texts, sizes, colours, frame and QR code
    (segno, as a PNG image, as the HTML has it). No line wrapping: every line of the default template fits."""
    rtl = language.split("-")[0] in ARABIC_SCRIPT_LANGUAGES
    regular, bold = ("Direct Arabic", "Direct Arabic Bold") if rtl else ("Direct Sans", "Direct Sans Bold")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=PAGE, invariant=1, pageCompression=1, lang=language)
    width, height = PAGE
    margin = 0.9 * cm
    pdf.setStrokeColor(BLUE)
    pdf.setLineWidth(3)
    pdf.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    pdf.setStrokeColor(LIGHT)
    pdf.setLineWidth(0.8)
    pdf.rect(margin + 1.5, margin + 1.5, width - 2 * margin - 3, height - 2 * margin - 3)

    with translation.override(language):
        text = _plain_values(values, language)
        competencies = [
            f"\u2066{item['code']}\u2069 {item['aspect'].get(language) or item['aspect']['en']} — "
            f"{item['level'].get(language) or item['level']['en']}"
            for item in values["competencies"]
        ]
    center = width / 2
    y = height - margin - 0.5 * cm - 1.6 * cm  # the frame, its padding, the (empty) logo row
    verify = []
    for cls, template in page:
        line = _PLACEHOLDER.sub(lambda match: text.get(match.group(1), ""), template).strip()
        if cls == "verify":
            verify.append(line)
            continue
        rows = [(cls, line)] + ([("competency", item) for item in competencies] if cls == "comp-head" else [])
        for style, row in rows:
            if not row:
                continue
            size, is_bold, colour, space, spacing = STYLES[style]
            y -= space + size * 1.5
            pdf.setFillColor(colour)
            drawn = _visual(row, rtl)
            font = bold if is_bold else regular
            if spacing:
                string_width = pdfmetrics.stringWidth(drawn, font, size) + spacing * (len(drawn) - 1)
                pdf.saveState()  # the character spacing stays in the graphics state
                obj = pdf.beginText(center - string_width / 2, y)
                obj.setFont(font, size)
                obj.setCharSpace(spacing)
                obj.textOut(drawn)
                pdf.drawText(obj)
                pdf.restoreState()
            else:
                pdf.setFont(font, size)
                pdf.drawCentredString(center, y, drawn)

    qr = segno.make(values["verification_url"], error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=4, border=2)
    png.seek(0)
    side, bottom = 2.8 * cm, margin + 0.4 * cm
    start, end = margin + 1.2 * cm, width - margin - 1.2 * cm
    pdf.drawImage(ImageReader(png), end - side if rtl else start, bottom, side, side)
    pdf.setFillColor(GREY)
    pdf.setFont(regular, 9)
    for number, line in enumerate(reversed(verify)):
        y = bottom + number * 9 * 1.25
        if rtl:
            pdf.drawRightString(end - 3.2 * cm, y, _visual(line, rtl))
        else:
            pdf.drawString(start + 3.2 * cm, y, _visual(line, rtl))
    pdf.showPage()
    pdf.save()
    return out.getvalue()


# Where the time goes ----------------------------------------------------------------------------------------------


@contextmanager
def patched(target, name: str, value) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


def phases(language: str, runs: int) -> dict[str, float]:
    """One certificate's time (ms) by stage, from timers wrapped around xhtml2pdf's stages (no profiler)."""
    import html5lib.html5parser
    import xhtml2pdf.context
    import xhtml2pdf.document

    design, values = design_default(language), sample_values(language)
    totals = dict.fromkeys(("qr", "html", "html5lib", "css", "fontface", "digest", "story", "pdf"), 0.0)

    def timer(key: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[key] += time.perf_counter() - start

        return wrapper

    for _ in range(3):
        render_pdf(design, values, language=language)
    with (
        patched(rendering.segno, "make", timer("qr", segno.make)),
        patched(html5lib.html5parser.HTMLParser, "parse", timer("html5lib", html5lib.html5parser.HTMLParser.parse)),
        patched(xhtml2pdf.context.pisaContext, "parseCSS", timer("css", xhtml2pdf.context.pisaContext.parseCSS)),
        patched(xhtml2pdf.document, "pisaStory", timer("story", xhtml2pdf.document.pisaStory)),
        patched(
            xhtml2pdf.context.pisaCSSBuilder,
            "atFontFace",
            timer("fontface", xhtml2pdf.context.pisaCSSBuilder.atFontFace),
        ),
        patched(xhtml2pdf.context, "_file_digest", timer("digest", xhtml2pdf.context._file_digest)),
    ):
        for _ in range(runs):
            start = time.perf_counter()
            document = render_html(design, values, language=language)
            middle = time.perf_counter()
            html_to_pdf(document, language=language)
            totals["html"] += middle - start
            totals["pdf"] += time.perf_counter() - middle
    ms = {key: 1000 * value / runs for key, value in totals.items()}
    return {
        "render_html: placeholders, sanitising (nh3)": ms["html"] - ms["qr"],
        "render_html: QR code (segno, PNG data URI)": ms["qr"],
        "html_to_pdf": ms["pdf"],
        "  CSS parse (xhtml2pdf defaults, @font-face, template)": ms["css"],
        "    of which: the 4 @font-face rules": ms["fontface"],
        "      of which: MD5 of the 4 font files (2.5 MB)": ms["digest"],
        "  HTML parse (html5lib)": ms["html5lib"],
        "  story: DOM to flowables": ms["story"] - ms["css"] - ms["html5lib"],
        "  layout, drawing, PDF writing (ReportLab)": ms["pdf"] - ms["story"],
        "total": ms["html"] + ms["pdf"],
    }


def profile(language: str, runs: int, top: int = 15) -> str:
    design, values = design_default(language), sample_values(language)
    for _ in range(3):
        render_pdf(design, values, language=language)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        render_pdf(design, values, language=language)
    profiler.disable()
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return report.getvalue()


def _qr_fixed_mask(data, **kwargs):
    return segno.make(data, mask=0, **kwargs)


def _font_face_css_plain_paths(fonts_dir: Path | None = None) -> str:
    """``core.pdf.font_face_css`` with ``url("/abs/path.ttf")`` instead of ``url("file:///abs/path.ttf")``.

    xhtml2pdf hands a ``file:`` URI (LocalProtocolURI) to ReportLab as a temporary copy: every render reads the
    2.5 MB of fonts twice, writes them to a temporary file and hashes that. A plain path (LocalFileURI) is given to
    ReportLab as it is, after the same resource-policy check."""
    fonts_dir = Path(fonts_dir or FONTS_DIR).resolve()
    rules = []
    for face in core_pdf.FONT_FACES:
        path = fonts_dir / face.file
        if not path.is_file():
            raise core_pdf.PdfError(f"The font {face.file} is missing from {fonts_dir}")
        weight = "bold" if face.bold else "normal"
        rules.append(f'@font-face {{ font-family: "{face.family}"; src: url("{path}"); font-weight: {weight}; }}')
    return "\n".join(rules)


def _cached_digest(original: Callable) -> Callable:
    @functools.cache
    def by_stat(name: str, mtime: int, size: int):
        return original(name)

    def digest(name):
        if name is None:
            return None
        try:
            stat = os.stat(name)
        except OSError:
            return original(name)
        return by_stat(name, stat.st_mtime_ns, stat.st_size)

    return digest


@contextmanager
def experiment(name: str) -> Iterator[None]:
    import xhtml2pdf.context

    qr = patched(rendering, "segno", type("segno", (), {"make": staticmethod(_qr_fixed_mask)}))
    digest = patched(xhtml2pdf.context, "_file_digest", _cached_digest(xhtml2pdf.context._file_digest))
    paths = patched(core_pdf, "font_face_css", _font_face_css_plain_paths)
    chosen = {
        "baseline": [],
        "QR with a fixed mask (segno mask=0)": [qr],
        "@font-face src as a plain path, not a file: URI": [paths],
        "… and xhtml2pdf's font MD5 cached (xhtml2pdf patch)": [paths, digest],
        "plain path + fixed QR mask": [paths, qr],
    }[name]
    with ExitStack() as stack:
        for patch in chosen:
            stack.enter_context(patch)
        yield


def compare(language: str, names: tuple[str, ...], seconds: float, batch: int = 5) -> dict[str, float]:
    """CPU ms per certificate for each variant, measured in turns so that the load of other processes (this machine
    is shared) falls on all of them alike; the median of the rounds."""
    make = certificate_maker("xhtml2pdf", language)
    rounds: dict[str, list[float]] = {name: [] for name in names}
    for name in names:
        with experiment(name):
            make()
    deadline = time.perf_counter() + seconds * len(names)
    while time.perf_counter() < deadline or len(rounds[names[-1]]) < 3:
        for name in names:
            with experiment(name):
                start = time.process_time()
                for _ in range(batch):
                    make()
                rounds[name].append(1000 * (time.process_time() - start) / batch)
    return {name: statistics.median(values) for name, values in rounds.items()}


EXPERIMENTS = (
    "baseline",
    "QR with a fixed mask (segno mask=0)",
    "@font-face src as a plain path, not a file: URI",
    "… and xhtml2pdf's font MD5 cached (xhtml2pdf patch)",
    "plain path + fixed QR mask",
)


# Main -------------------------------------------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
        "rl_accel": type(rl_accel.fp_str).__name__ == "builtin_function_or_method",
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to render each measurement")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES), choices=LANGUAGES)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="for the parallel run (0: skip)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--phases", action="store_true", help="split one certificate's time into stages")
    parser.add_argument("--profile", nargs="?", const="ar", choices=LANGUAGES, help="cProfile one language")
    parser.add_argument("--experiments", action="store_true", help="measure candidate speed-ups (monkeypatched)")
    options = parser.parse_args()

    info = machine()
    print(
        f"{info['cpus']} CPU(s), {info['cpu_model']}, Python {info['python']}, "
        f"ReportLab C accelerators (rl_accel): {'yes' if info['rl_accel'] else 'no'}, "
        f"load average {info['load_average']:.2f} (other processes on these cores slow every number below)"
    )
    results: dict = {"machine": info, "seconds": options.seconds, "languages": {}}
    cores = options.processes or 1

    header = (
        f"{'lang':4}  {'xhtml2pdf ms':>12}  {'CPU ms':>6}  {'cert/s':>7}  {'reportlab ms':>12}  {'CPU ms':>6}  "
        f"{'cert/s':>7}  {'ratio':>5}  "
        f"{'100k on 2 cores':>16}"
    )
    print(f"\nOne process, {options.seconds:g} s per measurement after warming up.\n{header}\n{'-' * len(header)}")
    for language in options.languages:
        first = time.perf_counter()
        render_pdf(design_default(language), sample_values(language), language=language)
        first_ms = 1000 * (time.perf_counter() - first)
        xhtml = timed_loop(certificate_maker("xhtml2pdf", language), options.seconds)
        direct = timed_loop(certificate_maker("reportlab", language), options.seconds)
        ratio = xhtml["ms"] / direct["ms"]
        projected = hours_for_cohort(xhtml["per_s"] * 2)
        results["languages"][language] = {
            "first_render_ms": first_ms,
            "xhtml2pdf": xhtml,
            "reportlab": direct,
            "ratio": ratio,
            "projected_hours_100k": projected,
        }
        print(
            f"{language:4}  {xhtml['ms']:12.1f}  {cpu_ms(xhtml):6.1f}  {xhtml['per_s']:7.1f}  {direct['ms']:12.1f}  "
            f"{cpu_ms(direct):6.1f}  {direct['per_s']:7.1f}  {ratio:5.2f}  {projected * 60:13.0f} min"
        )
    print(
        f"Goals: ratio ≤ {RATIO_GOAL:g}; 100,000 in ≤ 60 min on 2 cores, i.e. ≥ {COHORT / GOAL_SECONDS / 2:.1f}/s "
        "per core. The projection assumes the cores scale linearly: the next table measures it."
    )

    if options.processes:
        print(f"\n{cores} processes at once (xhtml2pdf), {options.seconds:g} s:")
        for language in options.languages:
            together = parallel_rate("xhtml2pdf", language, options.seconds, cores)
            single = results["languages"][language]["xhtml2pdf"]["per_s"]
            together["scaling"] = together["per_s"] / single
            together["hours_100k"] = hours_for_cohort(together["per_s"])
            results["languages"][language]["parallel"] = together
            print(
                f"  {language}: {together['per_s']:.1f} cert/s in all ({together['per_s'] / cores:.1f} per core, "
                f"{together['scaling']:.2f}× one process): 100,000 in {together['hours_100k'] * 60:.0f} min"
            )

    if options.phases:
        results["phases"] = {}
        for language in options.languages:
            split = phases(language, runs=max(20, int(options.seconds * 20)))
            results["phases"][language] = split
            print(f"\nWhere one {language} certificate's time goes (ms, timers around the stages):")
            for stage, ms in split.items():
                print(f"  {stage:56} {ms:6.1f}")

    if options.experiments:
        results["experiments"] = {}
        print(
            "\nCandidate speed-ups (monkeypatched), xhtml2pdf CPU ms per certificate: the median of rounds of 5, the "
            f"variants taking turns for {options.seconds:g} s each per language"
        )
        print(f"  {'':58}" + "".join(f"{language:>8}" for language in options.languages))
        measured = {language: compare(language, EXPERIMENTS, options.seconds) for language in options.languages}
        for name in EXPERIMENTS:
            row = {language: measured[language][name] for language in options.languages}
            results["experiments"][name] = row
            print(f"  {name:58}" + "".join(f"{row[language]:8.1f}" for language in options.languages))

    if options.profile:
        runs = max(20, int(options.seconds * 10))
        print(f"\ncProfile of {runs} {options.profile} certificates through xhtml2pdf (after warming up):")
        print(profile(options.profile, runs))

    if options.json:
        options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Wrote {options.json}")


if __name__ == "__main__":
    main()
