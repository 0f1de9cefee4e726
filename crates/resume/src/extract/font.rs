//! A PDF font reduced to what text extraction needs: how to split a string into character
//! codes, the text each code stands for, and each glyph's advance width.
//!
//! Unicode comes, in order of trust, from the font's `/ToUnicode` CMap ([`CMap`]),
//! then for simple fonts from `/Encoding` (base encoding + `/Differences` through the Adobe
//! glyph list), then from the encoding built into an embedded Type 1 program. The second
//! path is what ghostscript's `ps2pdf` output needs: Type 1C subsets with WinAnsi or custom
//! `/Differences` encodings and no ToUnicode map.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::CMap;
use super::glyphs::{self, BaseEncoding};
use super::std14;

/// Where a font's code-to-text mapping came from (reported in extraction stats).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnicodeSource {
    ToUnicode,
    Encoding,
    None,
}

pub(crate) struct Font {
    /// Codes are two bytes (Type 0 / CID fonts) rather than one.
    two_byte: bool,
    /// Simple fonts: the text of each one-byte code.
    simple_text: Vec<Option<Box<str>>>,
    /// Simple fonts: glyph advance of each code, in text space units per unit font size.
    simple_widths: Vec<f64>,
    /// CID fonts: advances by CID (here the code: Identity CMaps), and the default.
    cid_widths: HashMap<u32, f64>,
    default_width: f64,
    to_unicode: Option<CMap>,
    pub(crate) unicode_source: UnicodeSource,
}

/// One glyph of a shown string.
pub(crate) struct Glyph<'a> {
    pub(crate) text: Option<&'a str>,
    pub(crate) owned: Option<String>,
    /// Advance in text space units per unit of font size (glyph width / 1000 for most fonts).
    pub(crate) width: f64,
    /// A single-byte code 32: word spacing (`Tw`) applies to it.
    pub(crate) is_space_code: bool,
}

impl Glyph<'_> {
    pub(crate) fn text(&self) -> Option<&str> {
        self.owned.as_deref().or(self.text)
    }
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

impl Font {
    pub(crate) fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = get(doc, dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"Type1");
        let to_unicode = load_to_unicode(doc, dict);
        if subtype == b"Type0" {
            return Self::load_type0(doc, dict, to_unicode);
        }
        Self::load_simple(doc, dict, subtype, to_unicode)
    }

    fn load_type0(doc: &Document, dict: &Dictionary, to_unicode: Option<CMap>) -> Font {
        let descendant = get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let mut cid_widths = HashMap::new();
        let mut default_width = 1.0;
        if let Some(cid) = descendant {
            if let Some(dw) = get(doc, cid, b"DW").and_then(num) {
                default_width = dw / 1000.0;
            }
            if let Some(w) = get(doc, cid, b"W").and_then(|o| o.as_array().ok()) {
                parse_cid_widths(doc, w, &mut cid_widths);
            }
        }
        let unicode_source = if to_unicode.is_some() {
            UnicodeSource::ToUnicode
        } else {
            UnicodeSource::None
        };
        Font {
            two_byte: true,
            simple_text: Vec::new(),
            simple_widths: Vec::new(),
            cid_widths,
            default_width,
            to_unicode,
            unicode_source,
        }
    }

    fn load_simple(
        doc: &Document,
        dict: &Dictionary,
        subtype: &[u8],
        to_unicode: Option<CMap>,
    ) -> Font {
        let base_font = get(doc, dict, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let base_name = strip_subset(base_font);
        let descriptor = get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());
        let flags = descriptor
            .and_then(|d| get(doc, d, b"Flags"))
            .and_then(num)
            .unwrap_or(0.0) as i64;
        let symbolic = flags & 4 != 0;

        // Type 3 glyph widths are in glyph space, scaled by the FontMatrix.
        let scale = if subtype == b"Type3" {
            get(doc, dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|m| m.first())
                .and_then(num)
                .unwrap_or(0.001)
        } else {
            0.001
        };

        // The encoding a font has when /Encoding says nothing (or only names differences).
        let builtin = || -> Encoding {
            if let Some(names) = descriptor.and_then(|d| type1_builtin_encoding(doc, d)) {
                return Encoding::Names(Box::new(names));
            }
            if base_name.starts_with(b"Symbol") {
                return Encoding::Symbol;
            }
            if base_name.starts_with(b"ZapfDingbats") || base_name.starts_with(b"Dingbats") {
                return Encoding::Dingbats;
            }
            if subtype == b"TrueType" {
                return Encoding::Base(if symbolic {
                    BaseEncoding::Latin1
                } else {
                    BaseEncoding::WinAnsi
                });
            }
            Encoding::Base(BaseEncoding::Standard)
        };

        let mut differences: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut base = None;
        match get(doc, dict, b"Encoding") {
            Some(Object::Name(name)) => base = BaseEncoding::from_name(name).map(Encoding::Base),
            Some(Object::Dictionary(enc)) => {
                base = get(doc, enc, b"BaseEncoding")
                    .and_then(|o| o.as_name().ok())
                    .and_then(BaseEncoding::from_name)
                    .map(Encoding::Base);
                if let Some(diffs) = get(doc, enc, b"Differences").and_then(|o| o.as_array().ok()) {
                    let mut code: i64 = 0;
                    for item in diffs {
                        match deref(doc, item) {
                            Object::Integer(c) => code = *c,
                            Object::Name(name) => {
                                if let Ok(c) = u8::try_from(code) {
                                    differences.push((c, name.clone()));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let base = base.unwrap_or_else(builtin);

        let mut simple_text: Vec<Option<Box<str>>> = (0..=255u8).map(|c| base.decode(c)).collect();
        for (code, name) in &differences {
            if let Some(slot) = simple_text.get_mut(usize::from(*code)) {
                *slot = glyphs::name_to_text(name).map(String::into_boxed_str);
            }
        }
        let mut unicode_source = UnicodeSource::Encoding;
        if let Some(cmap) = &to_unicode {
            unicode_source = UnicodeSource::ToUnicode;
            for (code, slot) in simple_text.iter_mut().enumerate() {
                if let Some(units) = cmap.get(code as u32, 1) {
                    let text = String::from_utf16_lossy(&units);
                    if !text.is_empty() && !text.contains('\u{FFFD}') {
                        *slot = Some(text.into_boxed_str());
                    }
                }
            }
        }

        // Widths: /Widths, else the standard-14 metrics for fonts that may omit them.
        let first_char = get(doc, dict, b"FirstChar").and_then(num).unwrap_or(0.0) as i64;
        let missing = descriptor
            .and_then(|d| get(doc, d, b"MissingWidth"))
            .and_then(num);
        let widths_array = get(doc, dict, b"Widths").and_then(|o| o.as_array().ok());
        let std = std14::Metrics::for_base_font(base_name);
        let mut simple_widths = vec![0.0; 256];
        for (code, slot) in simple_widths.iter_mut().enumerate() {
            let from_array = widths_array.and_then(|w| {
                let i = usize::try_from(code as i64 - first_char).ok()?;
                w.get(i).map(|o| deref(doc, o)).and_then(num)
            });
            *slot = match (from_array, widths_array) {
                (Some(w), _) => w * scale,
                (None, Some(_)) => missing.unwrap_or(0.0) * scale,
                (None, None) => {
                    let ch = simple_text
                        .get(code)
                        .and_then(|t| t.as_deref())
                        .and_then(|t| t.chars().next());
                    std.width(code as u8, ch) / 1000.0
                }
            };
        }

        Font {
            two_byte: false,
            simple_text,
            simple_widths,
            cid_widths: HashMap::new(),
            default_width: 0.5,
            to_unicode,
            unicode_source,
        }
    }

    /// The glyphs of a shown string, in order.
    pub(crate) fn glyphs<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = Glyph<'a>> + 'a {
        let step = if self.two_byte { 2 } else { 1 };
        bytes.chunks(step).map(move |chunk| {
            if self.two_byte {
                let code = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                let owned = self
                    .to_unicode
                    .as_ref()
                    .and_then(|cmap| cmap.get(code, 2))
                    .map(|units| String::from_utf16_lossy(&units))
                    .filter(|t| !t.contains('\u{FFFD}'));
                let width = self
                    .cid_widths
                    .get(&code)
                    .copied()
                    .unwrap_or(self.default_width);
                Glyph {
                    text: None,
                    owned,
                    width,
                    is_space_code: false,
                }
            } else {
                let code = chunk.first().copied().unwrap_or(0);
                let i = usize::from(code);
                Glyph {
                    text: self.simple_text.get(i).and_then(|t| t.as_deref()),
                    owned: None,
                    width: self.simple_widths.get(i).copied().unwrap_or(0.5),
                    is_space_code: code == 32,
                }
            }
        })
    }
}

/// The encoding a simple font falls back on for codes its `/Differences` do not name.
enum Encoding {
    Base(BaseEncoding),
    /// An embedded Type 1 program's own encoding: glyph name per code.
    Names(Box<[Option<Vec<u8>>; 256]>),
    Symbol,
    Dingbats,
}

impl Encoding {
    fn decode(&self, code: u8) -> Option<Box<str>> {
        let text = match self {
            Encoding::Base(base) => base.decode(code).map(String::from),
            Encoding::Names(names) => names
                .get(usize::from(code))?
                .as_deref()
                .and_then(glyphs::name_to_text),
            // Only what resumes use these two for: bullets, dashes and spaces.
            Encoding::Symbol => match code {
                0x20 => Some(" ".into()),
                0x2D => Some("−".into()),
                0xB7 => Some("•".into()),
                0xD7 => Some("⋅".into()),
                _ => None,
            },
            Encoding::Dingbats => match code {
                0x20 => Some(" ".into()),
                0x6C | 0x6E | 0x75 | 0xA4 | 0xA7 | 0xA8 => Some("•".into()),
                _ => None,
            },
        };
        text.map(String::into_boxed_str)
    }
}

fn strip_subset(name: &[u8]) -> &[u8] {
    match name.iter().position(|b| *b == b'+') {
        Some(6) if name[..6].iter().all(u8::is_ascii_uppercase) => &name[7..],
        _ => name,
    }
}

fn load_to_unicode(doc: &Document, font: &Dictionary) -> Option<CMap> {
    let stream = get(doc, font, b"ToUnicode")?.as_stream().ok()?;
    // A crafted stream could inflate without end: 4 MB is far above any real map.
    CMap::parse(&stream.get_plain_content_with_limit(4 << 20).ok()?)
}

fn parse_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    // A crafted range could ask for billions of entries: cap what one font may define.
    const MAX_ENTRIES: usize = 65_536;
    while i < w.len() && out.len() < MAX_ENTRIES {
        let Some(first) = w.get(i).map(|o| deref(doc, o)).and_then(num) else {
            break;
        };
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, width) in list.iter().enumerate() {
                    if let Some(width) = num(deref(doc, width)) {
                        out.insert(first as u32 + k as u32, width / 1000.0);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(width)) =
                    (num(last), w.get(i + 2).map(|o| deref(doc, o)).and_then(num))
                else {
                    break;
                };
                let (first, last) = (first as u32, last as u32);
                for cid in first..=last.min(first.saturating_add(MAX_ENTRIES as u32)) {
                    out.insert(cid, width / 1000.0);
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// The `/Encoding` array in the clear-text part of an embedded Type 1 program (`FontFile`),
/// as pdfTeX leaves its Computer Modern subsets: `dup 12 /fi put` and so on.
fn type1_builtin_encoding(
    doc: &Document,
    descriptor: &Dictionary,
) -> Option<[Option<Vec<u8>>; 256]> {
    let stream = get(doc, descriptor, b"FontFile")?.as_stream().ok()?;
    let data = stream.get_plain_content_with_limit(2 << 20).ok()?;
    let clear_end = find(&data, b"eexec").unwrap_or(data.len());
    let clear = data.get(..clear_end)?;
    let start = find(clear, b"/Encoding")?;
    let rest = clear.get(start + 9..)?;
    if rest
        .iter()
        .take(40)
        .copied()
        .collect::<Vec<u8>>()
        .windows(16)
        .any(|w| w == b"StandardEncoding")
    {
        return None;
    }
    let mut names: [Option<Vec<u8>>; 256] = std::array::from_fn(|_| None);
    let tokens: Vec<&[u8]> = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let mut found = false;
    for win in tokens.windows(4) {
        if let [b"dup", code, name, b"put"] = win {
            let Some(code) = std::str::from_utf8(code)
                .ok()
                .and_then(|c| c.parse::<u8>().ok())
            else {
                continue;
            };
            if let Some(name) = name.strip_prefix(b"/") {
                if let Some(slot) = names.get_mut(usize::from(code)) {
                    *slot = Some(name.to_vec());
                    found = true;
                }
            }
        }
        if win.first() == Some(&&b"readonly"[..]) || win.first() == Some(&&b"def"[..]) {
            break;
        }
    }
    found.then_some(names)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn subset_prefix_is_stripped() {
        assert_eq!(strip_subset(b"ABCDEF+Times-Roman"), b"Times-Roman");
        assert_eq!(strip_subset(b"Times-Roman"), b"Times-Roman");
        assert_eq!(strip_subset(b"abcdef+X"), b"abcdef+X");
    }

    #[test]
    fn cid_widths_both_forms() {
        let doc = Document::new();
        let w = vec![
            Object::Integer(3),
            Object::Array(vec![Object::Integer(500), Object::Integer(600)]),
            Object::Integer(10),
            Object::Integer(12),
            Object::Integer(250),
        ];
        let mut out = HashMap::new();
        parse_cid_widths(&doc, &w, &mut out);
        assert_eq!(out.get(&3), Some(&0.5));
        assert_eq!(out.get(&4), Some(&0.6));
        assert_eq!(out.get(&11), Some(&0.25));
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn simple_font_with_differences_and_std14_widths() {
        let doc = Document::new();
        let mut enc = Dictionary::new();
        enc.set("BaseEncoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        enc.set(
            "Differences",
            Object::Array(vec![
                Object::Integer(1),
                Object::Name(b"uni0141".to_vec()),
                Object::Name(b"f_i".to_vec()),
            ]),
        );
        let mut font = Dictionary::new();
        font.set("Type", Object::Name(b"Font".to_vec()));
        font.set("Subtype", Object::Name(b"Type1".to_vec()));
        font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        font.set("Encoding", Object::Dictionary(enc));
        let f = Font::load(&doc, &font);
        let glyphs: Vec<(Option<String>, f64)> = f
            .glyphs(&[1, 2, b'A', b' '])
            .map(|g| (g.text().map(String::from), g.width))
            .collect();
        assert_eq!(glyphs[0].0.as_deref(), Some("Ł"));
        assert_eq!(glyphs[1].0.as_deref(), Some("fi"));
        assert_eq!(glyphs[2].0.as_deref(), Some("A"));
        assert!(
            (glyphs[2].1 - 0.667).abs() < 1e-9,
            "Helvetica A is 667/1000 em"
        );
        assert!((glyphs[3].1 - 0.278).abs() < 1e-9);
    }
}
