"""The CJK font for PDFs and chart images: Noto Sans CJK SC from Debian's fonts-noto-cjk.

Debian ships Noto CJK as OpenType collections with PostScript (CFF) outlines, which ReportLab cannot
embed ("postscript outlines are not supported"). So for each document we cut a subset holding only the
characters it uses out of the Simplified Chinese face of the collection and convert its outlines to
TrueType quadratics (fontTools' cu2qu, within 1 font unit of the original curves): a small TrueType
font, still named Noto Sans CJK SC, that ReportLab embeds and matplotlib draws with. About 0.5 s.

Where the font lives: $TAIZHANG_CJK_FONT (a .ttc/.otf file; a collection uses its "SC" face), else the
usual Debian paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from taizhang.errors import InputError

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
)
FILES = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
FACE = "Noto Sans CJK SC"
# Always in the subset (digits, Latin letters, common punctuation), so numbers and codes never miss a glyph.
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "，。、：；（）《》“”‘’—…·％×±≤≥μ³²"


def font_file(weight: str = "regular") -> Path:
    """The Noto Sans CJK collection of this weight, or an InputError saying how to install it."""
    env = os.environ.get("TAIZHANG_CJK_FONT")
    if env:
        p = Path(env)
        if not p.is_file():
            raise InputError(p, "TAIZHANG_CJK_FONT does not name a font file")
        if weight == "bold":
            bold = p.with_name(p.name.replace("Regular", "Bold"))
            return bold if bold.is_file() else p
        return p
    for d in FONT_DIRS:
        p = d / FILES[weight]
        if p.is_file():
            return p
    if weight == "bold":
        return font_file("regular")
    raise InputError(FILES[weight], "no CJK font found: install Debian's fonts-noto-cjk "
                     "(apt-get install fonts-noto-cjk) or set TAIZHANG_CJK_FONT")


def _face_number(path: Path) -> int:
    """The index of the Simplified Chinese face in a collection (0 for a single font)."""
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    coll = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            if font["name"].getDebugName(1) == FACE:
                return i
        return 0
    finally:
        coll.close()


def truetype_subset(text: str, dest: Path, weight: str = "regular") -> Path:
    """Write a TrueType font holding the glyphs of `text` (and BASE_CHARS) to `dest`; returns `dest`."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    src = font_file(weight)
    font = TTFont(str(src), fontNumber=_face_number(src), lazy=True)
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.desubroutinize = True
    opts.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "DSIG"]
    sub = subset.Subsetter(opts)
    sub.populate(text="".join(sorted(set(text + BASE_CHARS))))
    sub.subset(font)

    if "CFF " in font:  # PostScript outlines → TrueType quadratics
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
    dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(dest))  # recomputes maxp's point and contour counts and the bounding boxes
    font.close()
    return dest
