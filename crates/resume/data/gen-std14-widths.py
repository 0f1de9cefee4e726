#!/usr/bin/env python3
"""Writes std14-widths.txt: advance widths (1/1000 em) of the standard-14 text fonts for
the WinAnsi (cp1252) codes 32..255, which PDFs may use without embedding or /Widths.

Source: the metric-compatible URW base35 AFMs that Debian's fonts-urw-base35 installs
(Nimbus Sans = Helvetica, Nimbus Roman = Times), glyph names mapped through the Adobe glyph
list that texlive-base ships. Courier is 600 throughout and needs no table; Symbol and
ZapfDingbats are left out (bullets only: an estimate is enough). Run once; the output is
committed.
"""
import os

AFM = "/usr/share/fonts/type1/urw-base35"
AGL = "/usr/share/texlive/texmf-dist/fonts/map/glyphlist/glyphlist.txt"
FONTS = [("Helvetica", "NimbusSans-Regular"), ("Helvetica-Bold", "NimbusSans-Bold"),
         ("Helvetica-Oblique", "NimbusSans-Italic"), ("Helvetica-BoldOblique", "NimbusSans-BoldItalic"),
         ("Times-Roman", "NimbusRoman-Regular"), ("Times-Bold", "NimbusRoman-Bold"),
         ("Times-Italic", "NimbusRoman-Italic"), ("Times-BoldItalic", "NimbusRoman-BoldItalic")]

by_char = {}
for line in open(AGL, encoding="ascii"):
    if line.startswith("#"):
        continue
    name, codes = line.strip().split(";")
    cps = codes.split()
    if len(cps) == 1:
        by_char.setdefault(chr(int(cps[0], 16)), name)

out = ["# std14 widths, 1/1000 em, WinAnsi codes 32..255 (0 = no glyph). See gen-std14-widths.py."]
for pdf_name, urw in FONTS:
    widths = {}
    for line in open(os.path.join(AFM, urw + ".afm"), encoding="latin-1"):
        if line.startswith("C "):
            fields = dict(f.strip().split(" ", 1) for f in line.split(";") if f.strip())
            widths[fields["N"]] = int(float(fields["WX"]))
    row = []
    for code in range(32, 256):
        try:
            ch = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            row.append(0)
            continue
        name = "space" if code == 32 else by_char.get(ch)
        row.append(widths.get(name, 0))
    out.append(pdf_name + " " + " ".join(map(str, row)))
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "std14-widths.txt"), "w").write("\n".join(out) + "\n")
