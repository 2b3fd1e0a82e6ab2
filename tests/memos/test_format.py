"""GB/T 9704-2012 format and determinism of the memos."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree

from tests.memos.conftest import KINDS, Memo, W, case, load, render

ROOT = Path(__file__).resolve().parents[2]


def _memos(worked: dict[str, Memo], failing: dict[str, Memo]) -> list[tuple[str, Memo]]:
    return [(f"worked {k}", m) for k, m in worked.items()] + [(f"failing {k}", m) for k, m in failing.items()]


def test_page_is_a4_with_gbt9704_margins(worked: dict[str, Memo], failing: dict[str, Memo]) -> None:
    """A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm."""
    for name, m in _memos(worked, failing):
        for section in m.document.sections:
            got = [
                section.page_width.mm,
                section.page_height.mm,
                section.top_margin.mm,
                section.bottom_margin.mm,
            ]
            got += [section.left_margin.mm, section.right_margin.mm]
            for value, expected in zip(got, [210, 297, 37, 35, 28, 26], strict=True):
                assert abs(value - expected) < 0.1, (name, got)


def test_every_run_sets_its_east_asian_font(worked: dict[str, Memo], failing: dict[str, Memo]) -> None:
    """Body, footers and footnotes: every run carries w:rFonts w:eastAsia, so Word uses the Chinese font."""
    for name, m in _memos(worked, failing):
        parts = [p for p in m.parts if p.startswith(("word/document", "word/footer", "word/footnotes"))]
        assert "word/footnotes.xml" in parts
        for part in parts:
            root = etree.fromstring(m.parts[part])
            runs = list(root.iter(f"{W}r"))
            assert runs, (name, part)
            for run in runs:
                fonts = run.find(f"{W}rPr/{W}rFonts")
                if run.find(f"{W}separator") is not None or run.find(f"{W}continuationSeparator") is not None:
                    continue
                assert fonts is not None, (name, part, etree.tostring(run)[:200])
                assert fonts.get(f"{W}eastAsia"), (name, part, etree.tostring(run)[:200])


def test_styles_carry_the_official_fonts_and_sizes(worked: dict[str, Memo]) -> None:
    """Title 方正小标宋简体 22 pt centred; body 仿宋_GB2312 16 pt; headings 黑体, 楷体_GB2312; no theme."""
    styles = etree.fromstring(worked["fee"].parts["word/styles.xml"])

    def style(style_id: str) -> etree._Element:
        return styles.find(f"{W}style[@{W}styleId='{style_id}']")

    def east_asia(style_id: str) -> str:
        return style(style_id).find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")

    def size(style_id: str) -> str:
        return style(style_id).find(f"{W}rPr/{W}sz").get(f"{W}val")

    assert (east_asia("Normal"), size("Normal")) == ("仿宋_GB2312", "32")
    assert (east_asia("Title"), size("Title")) == ("方正小标宋简体", "44")
    assert style("Title").find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert (east_asia("Heading1"), east_asia("Heading2")) == ("黑体", "楷体_GB2312")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert b"Theme=" not in worked["fee"].parts["word/styles.xml"]
    title = worked["eligibility"].document.paragraphs[0]
    assert title.style.name == "Title"
    assert title.runs[0]._r.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"


def test_page_numbers_are_a_page_field_between_em_dashes(worked: dict[str, Memo]) -> None:
    """“— 1 —” at the foot: a PAGE field between em dashes, odd pages right, even pages left."""
    m = worked["eligibility"]
    footers = [m.parts[p].decode() for p in m.parts if p.startswith("word/footer")]
    assert len(footers) == 2
    for xml in footers:
        assert '<w:instrText xml:space="preserve"> PAGE </w:instrText>' in xml
        text = "".join(etree.fromstring(xml.encode()).itertext())
        assert text == "—  PAGE 1 —"
    assert b"<w:evenAndOddHeaders/>" in m.parts["word/settings.xml"]
    assert {"right", "left"} == {
        s.footer.paragraphs[0].alignment.name.lower() for s in m.document.sections
    } | {s.even_page_footer.paragraphs[0].alignment.name.lower() for s in m.document.sections}


def test_no_template_code_is_left(worked: dict[str, Memo], failing: dict[str, Memo]) -> None:
    """No leftover Jinja and no footnote marks in any rendered memo."""
    for name, m in _memos(worked, failing):
        for part, blob in m.parts.items():
            text = blob.decode("utf-8", "replace")
            assert "{{" not in text, (name, part)
            assert "{%" not in text, (name, part)
            assert "\ue000" not in text, (name, part)


def test_same_inputs_give_the_same_bytes() -> None:
    """Determinism: twice in this process, and once in a fresh interpreter in another time zone."""
    decision = load("worked_example.decision.json")
    first = {k: render(case(), k, decision=decision) for k in KINDS if k != "referral"}
    again = {k: render(case(), k, decision=decision) for k in KINDS if k != "referral"}
    assert first == again
    script = (
        "import hashlib, json, sys, datetime as dt\n"
        "from tests.memos.conftest import case, load, render\n"
        "d = load('worked_example.decision.json')\n"
        "print(json.dumps({k: hashlib.sha256(render(case(), k, decision=d)).hexdigest()"
        " for k in ('eligibility', 'review-plan', 'review-draft', 'fee')}))\n"
    )
    env = {**os.environ, "TZ": "America/Los_Angeles", "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True)
    hashes = json.loads(out.stdout)
    assert hashes == {k: hashlib.sha256(v).hexdigest() for k, v in first.items()}


def test_zip_entries_and_core_properties_are_fixed() -> None:
    """Every zip entry has the same fixed time and attributes; core properties hold the document date."""
    data = render(case(), "eligibility", decision=load("worked_example.decision.json"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {(i.date_time, i.external_attr, i.compress_type, i.create_system) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), 0o600 << 16, zipfile.ZIP_DEFLATED, 0)
    }
    props = Memo(data).document.core_properties
    assert props.created.isoformat().startswith("2024-07-01T00:00:00")
    assert props.modified == props.created
    assert (props.author, props.last_modified_by, props.revision) == ("七宝镇财政所", "七宝镇财政所", 1)
    assert props.title == "第三方评价机构资格审查意见书"
    other_day = render(
        case(),
        "eligibility",
        decision=load("worked_example.decision.json"),
        number=7,
        document_date=dt.date(2024, 7, 2),
    )
    assert other_day != data
