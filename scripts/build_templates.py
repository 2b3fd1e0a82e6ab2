"""Build the memo templates in docs_templates/ with python-docx, reproducibly.

Run ``.venv/bin/python scripts/build_templates.py`` after changing the layout; the .docx files it writes
are committed so the office can edit them in Word, and rebuilding gives identical bytes. The layout follows
GB/T 9704-2012: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 22 pt
centred; body 仿宋_GB2312 16 pt (三号) on a fixed 28.95 pt line (22 lines a page); level-1 headings 黑体,
level-2 楷体_GB2312; page numbers “— 1 —” in 宋体 四号 at the foot, right on odd pages and left on even ones.
The East Asian font is set in the styles and on every run (``w:rFonts w:eastAsia``), never via the theme.

The templates hold blanks, loops and ifs only: a conclusion is one of the template's own fixed sentences,
chosen by a status code of the context (``{%p if verdict == 'pass' %}`` … ``{%p else %}`` … ``{%p endif %}``).
The fields they may use are the template contract (``rules/memos.yaml``, read through
``engine.memos.fields.TEMPLATE_FIELDS``), written out to docs_templates/README.md by this script.
Office name and number prefix are context fields, never text in a template.
"""
# ruff: noqa: INP001 - scripts/ is a folder of scripts, not a package

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from engine.memos.fields import TEMPLATE_FIELDS, Field
from engine.memos.kinds import KIND_TEMPLATES
from engine.memos.package import normalise_docx
from rules import load_rulebook
from rules.memos import memo_data

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from docx.document import Document as DocumentObject
    from docx.table import Table
    from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs_templates"
LATIN = "Times New Roman"
BODY = "仿宋_GB2312"
TITLE = "方正小标宋简体"
H1 = "黑体"
H2 = "楷体_GB2312"
PAGE = "宋体"
LINE = 579  # exact line pitch in twentieths of a point: 28.95 pt, 22 lines in the 225 mm text block
TEXT_WIDTH_MM = 210 - 28 - 26
RED = "FF0000"
RED_HEAD_HALF_POINTS = 60  # 30 pt: large and centred, within one line of the text block
HEAD_CHAR_MM = 16 * 25.4 / 72  # one CJK character at 三号 (16 pt)
CELL_MARGINS_MM = 2 * 108 / 1440 * 25.4  # w:tblCellMar left and right, 108 twips each
FIXED_TIME = datetime(2024, 1, 1, tzinfo=UTC)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _fonts(east_asia: str) -> str:
    return f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east_asia}" w:cs="{LATIN}"/>'


def _para_style(  # noqa: PLR0913 - one argument per style property
    style_id: str,
    name: str,
    font: str,
    half_points: int,
    ppr: str = "",
    *,
    based: str = "",
    color: str = "",
) -> str:
    """A paragraph style with its fonts (East Asian included), colour and size in half-points."""
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    custom = int(style_id not in _BUILTIN)
    colour = f'<w:color w:val="{color}"/>' if color else ""
    size = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    return (
        f'<w:style w:type="paragraph" w:customStyle="{custom}" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/>{based_on}<w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{_fonts(font)}{colour}{size}</w:rPr></w:style>"
    )


_BUILTIN = {"Normal", "Title", "Heading1", "Heading2", "Footer", "Header", "FootnoteText"}
_EXACT = f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
_SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
_INDENT2 = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'

STYLES_XML = (
    f"<w:styles {nsdecls('w')}>"
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    f'{_fonts(BODY)}<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
    '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    "</w:rPr></w:rPrDefault>"
    f"<w:pPrDefault><w:pPr>{_EXACT}</w:pPr></w:pPrDefault></w:docDefaults>"
    + _para_style(
        "Normal", "Normal", BODY, 32, '<w:widowControl w:val="0"/>' + _EXACT + '<w:jc w:val="both"/>'
    ).replace('w:styleId="Normal"', 'w:default="1" w:styleId="Normal"')
    + '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>'
    "<w:semiHidden/><w:unhideWhenUsed/></w:style>"
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    + _para_style(
        "Title",
        "Title",
        TITLE,
        44,
        f'<w:keepNext/>{_SINGLE}<w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
        based="Normal",
    )
    + _para_style(
        "Heading1",
        "heading 1",
        H1,
        32,
        f'<w:keepNext/>{_EXACT}{_INDENT2}<w:outlineLvl w:val="0"/>',
        based="Normal",
    )
    + _para_style(
        "Heading2",
        "heading 2",
        H2,
        32,
        f'<w:keepNext/>{_EXACT}{_INDENT2}<w:outlineLvl w:val="1"/>',
        based="Normal",
    )
    + _para_style("BodyText", "正文缩进", BODY, 32, f"{_EXACT}{_INDENT2}", based="Normal")
    + _para_style("DocNumber", "发文字号", BODY, 32, f'{_EXACT}<w:jc w:val="center"/>', based="Normal")
    # The red header (GB/T 9704-2012 §7.2.3, §7.2.6): the issuing office in red 小标宋, and the red
    # rule under the document number, as wide as the text block.
    + _para_style(
        "RedHead",
        "发文机关标志",
        TITLE,
        RED_HEAD_HALF_POINTS,
        f'<w:keepNext/>{_SINGLE}<w:jc w:val="center"/>',
        based="Normal",
        color=RED,
    )
    + _para_style(
        "RedRule",
        "版头分隔线",
        BODY,
        32,
        f'<w:keepNext/><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{RED}"/></w:pBdr>'
        f'{_EXACT}<w:jc w:val="center"/>',
        based="Normal",
    )
    + _para_style(
        "Signature",
        "落款",
        BODY,
        32,
        f'{_EXACT}<w:ind w:rightChars="400" w:right="1280"/><w:jc w:val="right"/>',
        based="Normal",
    )
    + _para_style(
        "TableText", "表格文字", BODY, 28, f'<w:keepNext/>{_SINGLE}<w:jc w:val="left"/>', based="Normal"
    )
    + _para_style("TableHead", "表头文字", H1, 28, f'{_SINGLE}<w:jc w:val="center"/>', based="Normal")
    + _para_style(
        "Footer",
        "footer",
        PAGE,
        28,
        '<w:tabs><w:tab w:val="center" w:pos="4153"/><w:tab w:val="right" w:pos="8306"/></w:tabs>' + _SINGLE,
        based="Normal",
    )
    + _para_style("Header", "header", PAGE, 28, _SINGLE, based="Normal")
    + _para_style("FootnoteText", "footnote text", BODY, 21, _SINGLE + '<w:jc w:val="left"/>', based="Normal")
    + '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
    '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    f'<w:rPr>{_fonts(BODY)}<w:vertAlign w:val="superscript"/></w:rPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
    '<w:basedOn w:val="TableNormal"/>'
    '<w:uiPriority w:val="59"/><w:tblPr><w:tblBorders>'
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders></w:tblPr></w:style>"
    "</w:styles>"
)

SETTINGS_XML = (
    f"<w:settings {nsdecls('w')}>"
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
    "<w:evenAndOddHeaders/>"  # children in CT_Settings order: Word refuses a misplaced one
    '<w:drawingGridVerticalSpacing w:val="579"/><w:characterSpacingControl w:val="compressPunctuation"/>'
    "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>"
    "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>"
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
    ' w:val="15"/>'
    "</w:compat>"
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
    "</w:settings>"
)

APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>kaoping</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _replace_children(element: object, xml: str) -> None:
    """Replace the children of a part's root element by those of ``xml`` (same root tag)."""
    new = parse_xml(xml)
    for child in list(element):  # type: ignore[call-overload]
        element.remove(child)  # type: ignore[attr-defined]
    for child in list(new):
        element.append(child)  # type: ignore[attr-defined]


def _lean(document: DocumentObject) -> None:
    """Drop what python-docx's default template carries and a memo does not need."""
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype in {STYLES_WITH_EFFECTS, RT.CUSTOM_XML, RT.WEB_SETTINGS}:
            part.rels.pop(rel_id)
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rel_id)
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML.encode()  # noqa: SLF001 - python-docx has no app.xml API
    _replace_children(document.styles.element, STYLES_XML)
    _replace_children(document.settings.element, SETTINGS_XML)
    numbering = [rid for rid, rel in part.rels.items() if rel.reltype == RT.NUMBERING]
    for rel_id in numbering:
        part.rels.pop(rel_id)


def _rpr(run_element: object, font: str, half_points: int | None = None, *, bold: bool = False) -> None:
    r_pr = run_element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = OxmlElement("w:rFonts")
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", font), ("w:cs", LATIN)):
        fonts.set(qn(attr), value)
    r_pr.insert(0, fonts)
    if bold:
        r_pr.append(OxmlElement("w:b"))
    if half_points is not None:
        for tag in ("w:sz", "w:szCs"):
            size = OxmlElement(tag)
            size.set(qn("w:val"), str(half_points))
            r_pr.append(size)


def run(
    paragraph: Paragraph, text: str, font: str = BODY, half_points: int | None = None, *, bold: bool = False
) -> None:
    """Add a run with its East Asian font set on the run itself."""
    r = paragraph.add_run(text)
    _rpr(r._r, font, half_points, bold=bold)  # noqa: SLF001 - python-docx exposes rPr only on the oxml run


STYLE_NAMES = {
    "Normal": "Normal",
    "Title": "Title",
    "Heading1": "Heading 1",
    "Heading2": "Heading 2",
    "BodyText": "正文缩进",
    "DocNumber": "发文字号",
    "Signature": "落款",
    "TableText": "表格文字",
    "TableHead": "表头文字",
    "RedHead": "发文机关标志",
    "RedRule": "版头分隔线",
    "Footer": "Footer",
}
"""Style id → the name python-docx looks styles up by."""


def para(
    document: DocumentObject | object, text: str = "", style: str = "BodyText", font: str = BODY
) -> Paragraph:
    """A paragraph of one run in ``style`` (the run carries the font too)."""
    p: Paragraph = document.add_paragraph(style=STYLE_NAMES[style])  # type: ignore[union-attr]
    if text:
        run(p, text, font)
    return p


def heading1(document: DocumentObject, text: str) -> None:
    """A level-1 heading (一、…) in 黑体."""
    para(document, text, "Heading1", H1)


def heading2(document: DocumentObject, text: str) -> None:
    """A level-2 heading (（一）…) in 楷体_GB2312."""
    para(document, text, "Heading2", H2)


def _cell_text(cell: object, text: str, style: str) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.style = STYLE_NAMES[style]
    if text:
        run(p, text, H1 if style == "TableHead" else BODY)


def table(  # noqa: PLR0913, C901 - one argument per table property, one check per header
    document: DocumentObject,
    head: Sequence[str],
    widths_mm: Sequence[float],
    rows: Sequence[Sequence[str]],
    *,
    loop: tuple[str, str] | None = None,
    centre: Sequence[int] = (0,),
    row_height_mm: float | None = None,
) -> Table:
    """A grid table: a header row, optional ``{%tr for %}`` loop rows around ``rows``, fixed widths.

    ``widths_mm`` go into the grid (``w:gridCol``, what LibreOffice reads) and every cell (``w:tcW``,
    what Word reads); the columns in ``centre`` are centred.
    """
    body_rows = ([[loop[0]]] if loop else []) + [list(r) for r in rows] + ([[loop[1]]] if loop else [])
    for text, width in zip(head, widths_mm, strict=True):
        needed = _text_mm(text) + CELL_MARGINS_MM
        if needed > width:
            raise ValueError(f"the header {text!r} needs {needed:.1f} mm at 三号, its column has {width} mm")
    t: Table = document.add_table(rows=1 + len(body_rows), cols=len(head))
    t.style = document.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # w:tblLayout w:type="fixed"
    for i, text in enumerate(head):
        _cell_text(t.rows[0].cells[i], text, "TableHead")
    for r, cells in enumerate(body_rows, start=1):
        for i in range(len(head)):
            _cell_text(t.rows[r].cells[i], cells[i] if i < len(cells) else "", "TableText")
            if i in centre and not (loop and r in {1, len(body_rows)}):
                t.rows[r].cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if row_height_mm is not None:
        for row in t.rows[1:]:
            row.height = Mm(row_height_mm)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for i, width in enumerate(widths_mm):
        t.columns[i].width = Mm(width)
        for cell in t.columns[i].cells:
            cell.width = Mm(width)
    _keep_rows(t)
    return t


def _text_mm(text: str) -> float:
    """The width of a header's text at 三号: CJK characters full width, the rest half."""
    return sum(HEAD_CHAR_MM if ord(ch) > 0x2E7F else HEAD_CHAR_MM / 2 for ch in text)


def _keep_rows(t: Table) -> None:
    """Every row stays whole on one page; the header row repeats on each page the table spans.

    ``w:cantSplit`` on every row, ``w:tblHeader`` on the first.
    """
    for index, row in enumerate(t.rows):
        tr_pr = row._tr.get_or_add_trPr()  # noqa: SLF001 - python-docx has no API for these row properties
        tr_pr.append(OxmlElement("w:cantSplit"))
        if index == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _page_number(paragraph: Paragraph) -> None:
    """“— 1 —”: a PAGE field between em dashes, 宋体 四号 (GB/T 9704-2012 §7.5)."""
    run(paragraph, "— ", PAGE, 28)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = paragraph.add_run()
        _rpr(r._r, PAGE, 28)  # noqa: SLF001
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)  # noqa: SLF001
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)  # noqa: SLF001
        else:
            r.add_text(text or "")
    run(paragraph, " —", PAGE, 28)


def new_document(title: str) -> DocumentObject:
    """A blank memo: A4, GB/T 9704 margins, styles, page numbers; core properties fixed."""
    document = Document()
    _lean(document)
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.style = document.styles["Footer"]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = document.styles["Footer"]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_number(even)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "kaoping", "kaoping"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "kaoping 文书模板；字段说明见 docs_templates/README.md"
    return document


def title_block(document: DocumentObject, *titles: str) -> None:
    """Title line(s), one blank line, then the document-number line (发文字号).

    With the red header (``red_header``) the memo opens GB/T 9704's way instead: the issuing office in
    red, the document number, a red rule under it, then the title.
    """
    para(document, "{%p if red_header %}", "DocNumber")
    para(document, "{{ red_header_text }}", "RedHead", TITLE)
    para(document, "", "DocNumber")
    para(document, "{{ document_number_line }}", "RedRule")
    para(document, "", "DocNumber")
    para(document, "{%p endif %}", "DocNumber")
    for text in titles:
        para(document, text, "Title", TITLE)
    para(document, "{%p if not red_header %}", "DocNumber")
    para(document, "", "DocNumber")
    para(document, "{{ document_number_line }}", "DocNumber")
    para(document, "", "DocNumber")
    para(document, "{%p endif %}", "DocNumber")


def signature(document: DocumentObject, *lines: str) -> None:
    """Issuing office and date, right-aligned with four characters' space (GB/T 9704 §7.3.5)."""
    para(document, "", "BodyText")
    for text in lines:
        para(document, text, "Signature")


def rule_table(document: DocumentObject, items: str) -> None:
    """One row per rule: 序号 | 审查事项 | 结果 | 具体情况 (with its footnote mark)."""
    table(
        document,
        ["序号", "审查事项", "结果", "具体情况"],
        [16, 48, 26, TEXT_WIDTH_MM - 90],
        [
            [
                "{{ loop.index }}",
                "{{ r.rule }} {{ r.title }}",
                "{{ r.result|result_label }}",
                "{{ r.detail }}{{ r.note }}{% if r.file_location %}（{{ r.file_location }}）{% endif %}",
            ]
        ],
        loop=(f"{{%tr for r in {items} %}}", "{%tr endfor %}"),
        centre=(0, 2),
    )


def case_lines(document: DocumentObject) -> None:
    """The case number and the rule version, each on a line of its own.

    A long case id then never pushes the version's date across a line end (LibreOffice breaks digits
    inside Chinese text anywhere).
    """
    para(document, "案件编号：{{ case_id }}")
    para(document, "适用规则版本：{{ rule_version }}")


def particulars(document: DocumentObject) -> None:
    """The case particulars every memo starts with."""
    for text in (
        "项目名称：{{ project_name }}",
        "项目单位：{{ project_unit }}",
        "委托方：{{ commissioning_party }}",
        "评价类型：{{ evaluation_kind }}",
        "委托日期：{{ commissioned_on|date_zh }}",
        "合同金额：{{ contract_fee|yuan }}元（{{ contract_fee|yuan_in_words }}）",
        "评价机构：{{ agency_name }}（{{ agency_kind }}，统一社会信用代码 {{ agency_credit_code }}）",
    ):
        para(document, text)


def eligibility() -> DocumentObject:
    """资格审查意见书 (rulebook §1)."""
    d = new_document("资格审查意见书")
    title_block(d, "第三方评价机构资格审查意见书")
    case_lines(d)
    heading1(d, "一、基本情况")
    particulars(d)
    para(
        d,
        "采购方式：{{ procurement_channel }}；"
        "电子卖场订单号：{% if order_no %}{{ order_no }}{% else %}未填写{% endif %}。",
    )
    heading1(d, "二、审查情况")
    para(d, "按委托日期适用的规则，逐项审查如下：")
    rule_table(d, "rules")
    heading1(d, "三、审查结论")
    para(d, "审查结论：{{ eligibility_status|status_label }}。")
    para(d, "{%p if eligibility_status == 'eligible' %}")
    para(d, "经审查，{{ agency_name }}符合承接本项目第三方绩效评价业务的各项资格条件。")
    para(d, "{%p elif eligibility_status == 'needs_approval' %}")
    para(
        d,
        "经审查，{{ agency_name }}符合承接本项目的基本资格条件，但下列事项未达要求：{{ approval_items }}。"
        "须经财政所负责人审批同意后方可委托。",
    )
    para(d, "{%p else %}")
    para(
        d,
        "经审查，{{ agency_name }}不具备承接本项目第三方绩效评价业务的资格。"
        "不符合事项：{{ blocking_items }}。"
        "{% if approval_items %}另有须经审批的事项：{{ approval_items }}。{% endif %}",
    )
    para(d, "{%p endif %}")
    signature(d, "{{ office_name }}", "{{ document_date|date_zh }}")
    return d


def review() -> DocumentObject:
    """专家组评审意见, shared by review-plan and review-draft (rulebook §2, §3, §4)."""
    d = new_document("专家组评审意见")
    title_block(d, "专家组评审意见", "（{{ node_title }}）")
    case_lines(d)
    heading1(d, "一、基本情况")
    particulars(d)
    para(d, "{{ node_title }}提交期限：{{ deadline|date_zh }}；实际提交日期：{{ submitted_on|date_zh }}。")
    heading1(d, "二、专家组组成")
    para(d, "专家组于{{ panel_formed_on|date_zh }}组建，成员如下：")
    table(
        d,
        ["序号", "姓名", "来源", "领域专家", "利益关联及回避"],
        [16, 22, 40, 27, TEXT_WIDTH_MM - 105],
        [
            [
                "{{ m.no }}",
                "{{ m.name }}",
                "{{ m.pool }}",
                "{{ m.domain_expert|yes_no }}",
                "{{ m.recusal }}",
            ]
        ],
        loop=("{%tr for m in members %}", "{%tr endfor %}"),
        centre=(0, 3),
    )
    heading2(d, "（一）专家组组成审查")
    rule_table(d, "panel_checks")
    para(
        d,
        "专家组状态：{{ panel_status|status_label }}。"
        "{% if panel_status == 'valid' %}专家组组成符合要求，评审有效。"
        "{% else %}专家组组成不符合要求（{{ panel_failed }}）。"
        "{% if conflicted_names %}{{ conflicted_names }}"
        "与被评价机构或项目单位存在利益关联，应当回避；其评分仍计入专家组平均分。{% endif %}"
        "请委托方调整专家组后复核本意见。{% endif %}",
    )
    heading1(d, "三、审查情况")
    para(d, "对{{ node_title }}逐项审查如下：")
    rule_table(d, "checks")
    heading1(d, "四、评审结论")
    para(d, "评审意见：{{ verdict|status_label }}。")
    para(d, "{%p if verdict == 'pass' %}")
    para(d, "经审查，{{ node_title }}各项审查均符合要求，评审意见为：{{ verdict|status_label }}。")
    para(d, "{%p else %}")
    para(
        d,
        "经审查，{{ node_title }}存在以下问题：{{ failed_checks }}。"
        "评审意见为：{{ verdict|status_label }}，请评价机构修改完善后重新提交。",
    )
    para(d, "{%p endif %}")
    heading1(d, "五、专家评分")
    t = table(
        d,
        ["序号", "姓名", "评分"],
        [20, 60, TEXT_WIDTH_MM - 80],
        [["{{ m.no }}", "{{ m.name }}", "{% if m.score is none %}未评分{% else %}{{ m.score }}{% endif %}"]],
        loop=("{%tr for m in members %}", "{%tr endfor %}"),
    )
    last = t.add_row().cells  # type: ignore[no-untyped-call]
    _cell_text(last[0], "", "TableText")
    _cell_text(last[1], "专家组平均分", "TableText")
    _cell_text(last[2], "{{ panel_mean }}{{ panel_mean_note }}", "TableText")
    heading1(d, "六、专家签字")
    table(
        d,
        ["序号", "姓名", "签字"],
        [20, 60, TEXT_WIDTH_MM - 80],
        [["{{ m.no }}", "{{ m.name }}", ""]],
        loop=("{%tr for m in members %}", "{%tr endfor %}"),
        row_height_mm=12,
    )
    para(d, "")
    para(d, "专家组组长（签字）：＿＿＿＿＿＿＿＿")
    signature(d, "{{ document_date|date_zh }}")
    return d


def fee() -> DocumentObject:
    """第三方评价机构工作质量考评结果及服务费核定单 (rulebook §4, §5, §6)."""
    d = new_document("服务费核定单")
    title_block(d, "第三方评价机构工作质量考评结果", "及服务费核定单")
    case_lines(d)
    heading1(d, "一、基本情况")
    particulars(d)
    heading1(d, "二、三方考评得分")
    para(
        d,
        "各方得分＝评价方案得分×{{ plan_weight|percent }}＋报告初稿得分×{{ draft_weight|percent }}"
        "{{ party_scores_note }}；综合得分为各方得分按下表权重加权。",
    )
    table(
        d,
        ["考评方", "评价方案", "报告初稿", "该方得分", "权重"],
        [44, 28, 28, 30, TEXT_WIDTH_MM - 130],
        [
            [
                "{{ m.party_name }}{% if m.party == 'expert_panel' %}（平均分）{% endif %}",
                "{{ m.plan }}",
                "{{ m.draft }}",
                "{{ m.party_score }}",
                "{{ m.weight|percent }}",
            ]
        ],
        loop=("{%tr for m in matrix %}", "{%tr endfor %}"),
        centre=(1, 2, 3, 4),
    )
    heading1(d, "三、考评结果")
    table(
        d,
        ["项目", "结果"],
        [50, TEXT_WIDTH_MM - 50],
        [
            ["考评状态", "{{ assessment_status|status_label }}"],
            ["综合得分", "{{ composite }}{{ composite_note }}"],
            ["综合评价等级", "{{ grade }}{{ grade_note }}"],
            ["查实的禁止行为", "{% if conduct %}{{ conduct }}{% else %}无{% endif %}"],
        ],
    )
    heading1(d, "四、服务费核定")
    table(
        d,
        ["项目", "金额或结果"],
        [50, TEXT_WIDTH_MM - 50],
        [
            ["合同金额", "{{ contract_fee|yuan }}元（{{ contract_fee|yuan_in_words }}）"],
            ["质量系数", "{{ coefficient }}{{ coefficient_note }}"],
            ["逾期工作日", "{{ late_working_days }}个工作日。{{ late_detail }}{{ late_note }}"],
            [
                "逾期扣减",
                (
                    "{% if deduction is none %}不适用{% else %}{{ deduction|yuan }}元"
                    "（{{ deduction|yuan_in_words }}）{% endif %}{{ deduction_note }}"
                ),
            ],
            ["核定应付服务费", "{{ payable|yuan }}元{{ payable_note }}"],
            ["大写金额", "{{ payable|yuan_in_words }}"],
            [
                "支付状态",
                "{{ fee_status|status_label }}{% if fee_status == 'withheld' %}（须整改一次）{% endif %}",
            ],
        ],
    )
    heading1(d, "五、后续事项")
    para(d, "{%p for f in follow_ups %}")
    para(d, "{{ loop.index }}. {{ f.rule }} {{ f.title }}：{{ f.detail }}{{ f.note }}")
    para(d, "{%p endfor %}")
    para(d, "{%p if not follow_ups %}")
    para(d, "无。")
    para(d, "{%p endif %}")
    para(d, "")
    para(d, "经办人：＿＿＿＿＿＿　　复核人：＿＿＿＿＿＿")
    para(d, "负责人：＿＿＿＿＿＿")
    signature(d, "{{ office_name }}", "{{ document_date|date_zh }}")
    return d


def referral() -> DocumentObject:
    """移送函 to the district finance bureau (FLW-02, FLW-03)."""
    d = new_document("移送函")
    title_block(d, "关于移送{{ agency_name }}有关情况的函")
    para(d, "{{ district_bureau }}：", "Normal")
    para(
        d,
        "我所于{{ commissioned_on|date_zh }}委托{{ agency_name }}"
        "（统一社会信用代码：{{ agency_credit_code }}）承担“{{ project_name }}”"
        "（项目单位：{{ project_unit }}）第三方绩效评价工作，合同金额"
        "{{ contract_fee|yuan }}元（{{ contract_fee|yuan_in_words }}）。",
    )
    para(
        d,
        "经三方考评，该机构综合得分{{ composite }}，综合评价等级为“{{ grade }}”"
        "（报告初稿整改轮次：{{ rework_round }}）；"
        "查实的禁止行为：{% if conduct %}{{ conduct }}{% else %}无{% endif %}；"
        "服务费{{ fee_status|status_label }}，核定应付{{ payable|yuan }}元"
        "（{{ payable|yuan_in_words }}）。",
    )
    para(d, "移送事由如下：")
    para(d, "{%p for r in reasons %}")
    para(d, "{{ loop.index }}. {{ r.rule }} {{ r.title }}：{{ r.detail }}{{ r.note }}")
    para(d, "{%p endfor %}")
    para(d, "{%p if referral_rule == 'FLW-03' %}")
    para(
        d,
        "该机构存在{{ conduct }}行为，根据{{ referral_cite }}，对第三方机构的处理由县级以上财政部门实施，"
        "现将有关情况移送贵局，请依法依规处理。",
    )
    para(d, "{%p else %}")
    para(
        d,
        "该机构整改后工作质量考评等级仍为“{{ grade }}”，"
        "现将有关情况移送贵局，请对其定点服务机构资格进行复核。",
    )
    para(d, "{%p endif %}")
    para(d, "特此函告。")
    para(d, "")
    para(d, "附件：第三方评价机构工作质量考评结果及服务费核定单")
    signature(d, "{{ office_name }}", "{{ document_date|date_zh }}")
    para(d, "（联系人：＿＿＿＿＿＿；联系电话：＿＿＿＿＿＿）")
    return d


BUILDERS: dict[str, Callable[[], DocumentObject]] = {
    "eligibility": eligibility,
    "review": review,
    "fee": fee,
    "referral": referral,
}


def _used_by(stem: str) -> str:
    """The memo kinds a template prints, e.g. `review-plan` 与 `review-draft`."""
    return " 与 ".join(f"`{kind}`" for kind, template in KIND_TEMPLATES.items() if template == stem)


def _codes(spec: Field) -> str:
    """A coded field's codes with their labels, e.g. ；代码：pass 通过 / return 退回修改."""
    if not spec.codes:
        return ""
    vocabulary = load_rulebook().vocabulary
    codes = [f"{code} {label}" for name in spec.codes for code, label in vocabulary.labels(name).items()]
    return "；代码：" + " / ".join(codes)


def _doc(spec: Field) -> str:
    """A field's line in the README: its description, its codes, and whether a template must use it."""
    return f"{spec.doc}{_codes(spec)}{'；**必须使用**' if spec.required else ''}"


def readme() -> str:
    """docs_templates/README.md: per template, the context fields it may use, and the filters."""
    lines = [
        "# 文书模板 (memo templates)",
        "",
        "These .docx files are the memo templates the office may edit in Word. They are generated by",
        "`scripts/build_templates.py` (run it again to rebuild; this file is written by it too) and rendered",
        "by `engine.memos.render_memo` with docxtpl in a sandboxed Jinja2 environment. The fields below",
        "are the template contract, `rules/memos.yaml`; the labels of codes come from",
        "`rules/vocabulary.yaml`.",
        "",
        "Rules for editing (模板编辑规则):",
        "",
        "- A template only fills blanks: `{{ field }}`, `{{ field|filter }}`, loops over the list fields",
        "  (`{%tr for r in rules %}` … `{%tr endfor %}` for table rows, `{%p for … %}` for paragraphs) and",
        "  `{% if %}`. Use only the fields listed below and only the filters listed below;",
        "  `kaoping` refuses any other name, any `_`-prefixed attribute, calls, arithmetic, `{% set %}`,",
        "  macros, includes, imports and `{% autoescape %}`: `engine.memos.lint.check_template(path)` lists",
        "  the problems of an edited file, and rendering runs the same check first. An undefined field is",
        "  an error naming it, never a blank.",
        "- The conclusions are the template's own sentences, one per status: `{%p if verdict == 'pass' %}`,",
        "  the sentence, `{%p else %}`, the other sentence, `{%p endif %}` (each tag in a paragraph of its",
        "  own). A coded field may only be compared with its codes (listed below); any other word is",
        "  refused.",
        "- The fields marked **必须使用** (the findings, statuses, figures and their footnote marks)",
        "  must stay in the template; a row's marked fields wherever the template loops over its list.",
        "- Every `note` field is a footnote mark: put it right after the finding it belongs to (in the",
        "  document body, not in a header or footer); it becomes a Word footnote citing the rule id, the",
        "  document and article, and the values used.",
        "- Text from a case is printed literally (escaped); a field never turns into template code.",
        "- Keep the fonts: East Asian font on the styles and runs (仿宋_GB2312 body, 方正小标宋简体 title,",
        "  黑体 level-1 headings, 楷体_GB2312 level-2 headings).",
        "",
        "## Filters (过滤器)",
        "",
        "| filter | 说明 |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {doc} |" for name, doc in memo_data().filters.items()]
    for stem, fields in TEMPLATE_FIELDS.items():
        lines += ["", f"## `{stem}.docx` (kind {_used_by(stem)})", "", "| field | 说明 |", "|---|---|"]
        for name, spec in fields.items():
            lines.append(f"| `{name}` | {_doc(spec)}{'；列表，每行字段见下' if spec.row else ''} |")
            if spec.row:
                lines += [f"| `{name}[].{sub}` | {_doc(row)} |" for sub, row in spec.row.items()]
    lines += [
        "",
        "Inside a loop, `loop.index` (1, 2, …), `loop.first`, `loop.last` and `loop.length` may be used too.",
        "",
    ]
    return "\n".join(lines)


def build(out: Path = OUT) -> list[Path]:
    """Write every template and README.md into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, builder in BUILDERS.items():
        path = out / f"{stem}.docx"
        document = builder()
        buffer = BytesIO()
        document.save(buffer)
        path.write_bytes(normalise_docx(buffer.getvalue()))
        written.append(path)
    readme_path = out / "README.md"
    readme_path.write_text(readme(), encoding="utf-8")
    written.append(readme_path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``build_templates.py [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default: docs_templates/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)  # noqa: T201 - a script's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
