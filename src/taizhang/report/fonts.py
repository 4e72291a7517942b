"""The CJK fonts of the PDF bulletin and of the chart images: Noto Serif SC (body, a 宋体-like serif as
official documents use) and Noto Sans SC (headings, a 黑体-like sans).

Where they come from, first found wins:
1. $TAIZHANG_CJK_FONT: one font file (.ttf/.otf/.ttc) for every role (a "Bold" sibling file is used for
   bold where it exists; a collection uses its Simplified Chinese face);
2. the npm packages @expo-google-fonts/noto-serif-sc and @expo-google-fonts/noto-sans-sc, installed by
   the set-up's `npm ci` into node_modules beside the repo's package.json: full TrueType fonts;
3. the system's Noto CJK collections (Debian's fonts-noto-cjk), unless TAIZHANG_SYSTEM_FONTS=0.

For each document we cut a subset holding only the characters it uses. Debian's collections have
PostScript (CFF) outlines, which ReportLab cannot embed, so their subsets get TrueType quadratic outlines
(fontTools' cu2qu, within 1 font unit of the original curves). About 0.3 s a subset.
"""

from __future__ import annotations

import os
from pathlib import Path

from taizhang.errors import InputError

FAMILIES = ("serif", "sans")
WEIGHTS = ("regular", "bold")
NPM_PACKAGES = {"serif": "@expo-google-fonts/noto-serif-sc", "sans": "@expo-google-fonts/noto-sans-sc"}
NPM_FILES = {
    ("serif", "regular"): "400Regular/NotoSerifSC_400Regular.ttf",
    ("serif", "bold"): "700Bold/NotoSerifSC_700Bold.ttf",
    ("sans", "regular"): "400Regular/NotoSansSC_400Regular.ttf",
    ("sans", "bold"): "700Bold/NotoSansSC_700Bold.ttf",
}
FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
)
SYSTEM_FILES = {
    ("serif", "regular"): "NotoSerifCJK-Regular.ttc",
    ("serif", "bold"): "NotoSerifCJK-Bold.ttc",
    ("sans", "regular"): "NotoSansCJK-Regular.ttc",
    ("sans", "bold"): "NotoSansCJK-Bold.ttc",
}
# Always in the subset (digits, Latin letters, common punctuation), so numbers and codes never miss a glyph.
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "，。、：；（）《》“”‘’—…·％×±≤≥μ³²"
NOT_FOUND = ("未找到中文字体：请在仓库目录运行 npm ci（安装 Noto Serif SC 与 Noto Sans SC 字体包），"
             "或安装 fonts-noto-cjk，或设置 TAIZHANG_CJK_FONT")


def node_modules_dirs() -> list[Path]:
    """node_modules folders where `npm ci` may have put the fonts: the working folder's and the repo's."""
    here = Path(__file__).resolve()
    seen: list[Path] = []
    for base in (Path.cwd(), *here.parents):
        nm = base / "node_modules"
        if nm not in seen and nm.is_dir():
            seen.append(nm)
    return seen


def npm_font_file(family: str, weight: str) -> Path | None:
    """The font file of the npm package of this family and weight, if `npm ci` installed it."""
    for nm in node_modules_dirs():
        p = nm / NPM_PACKAGES[family] / NPM_FILES[(family, weight)]
        if p.is_file():
            return p
    return None


def _system_file(family: str, weight: str) -> Path | None:
    if os.environ.get("TAIZHANG_SYSTEM_FONTS", "1").strip() in ("0", "no", "false"):
        return None
    for d in FONT_DIRS:
        p = d / SYSTEM_FILES[(family, weight)]
        if p.is_file():
            return p
    return None


def font_file(weight: str = "regular", family: str = "serif") -> Path:
    """The font file of this family and weight (the nearest one there is), or an InputError saying how to
    install the fonts."""
    if family not in FAMILIES or weight not in WEIGHTS:
        raise ValueError(f"unknown font {family} {weight}")
    env = os.environ.get("TAIZHANG_CJK_FONT")
    if env:
        p = Path(env)
        if not p.is_file():
            raise InputError(p, "TAIZHANG_CJK_FONT 指定的字体文件不存在")
        if weight == "bold":
            bold = p.with_name(p.name.replace("Regular", "Bold"))
            return bold if bold.is_file() else p
        return p
    other = "sans" if family == "serif" else "serif"
    for find in (npm_font_file, _system_file):
        for fam, w in ((family, weight), (family, "regular"), (other, weight), (other, "regular")):
            p = find(fam, w)
            if p is not None:
                return p
    raise InputError(None, NOT_FOUND)


def _face_number(path: Path) -> int:
    """The index of the Simplified Chinese face in a collection (0 for a single font)."""
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    coll = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            if font["name"].getDebugName(1).endswith(" SC"):
                return i
        return 0
    finally:
        coll.close()


def _to_truetype(font) -> None:  # type: ignore[no-untyped-def]
    """Replace a font's PostScript (CFF) outlines with TrueType quadratics, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints",
                  "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def truetype_subset(text: str, dest: Path, weight: str = "regular", family: str = "serif") -> Path:
    """Write a TrueType font holding the glyphs of `text` (and BASE_CHARS) to `dest`; returns `dest`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    src = font_file(weight, family)
    font = TTFont(str(src), fontNumber=_face_number(src), lazy=True)
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.desubroutinize = True
    opts.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "DSIG", "STAT"]
    sub = subset.Subsetter(opts)
    sub.populate(text="".join(sorted(set(text + BASE_CHARS))))
    sub.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(dest))  # recomputes maxp's point and contour counts and the bounding boxes
    font.close()
    return dest
