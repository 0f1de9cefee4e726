//! Character codes and glyph names to Unicode for simple fonts: the base encodings a font
//! dictionary can name, the Adobe glyph list for `/Differences`, and ligature expansion.
//!
//! lopdf has these tables too, but keeps them in a private module and gives up on a whole
//! `/Differences` array at the first glyph name it does not know (`uni00E9`, `f_i`,
//! `a.sc`): ghostscript and TeX output is full of such names, so we resolve them here.

use std::sync::OnceLock;

/// A simple font's base encoding (PDF 32000-1, Annex D).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BaseEncoding {
    Standard,
    WinAnsi,
    MacRoman,
    /// No table: codes are taken as Latin-1 (a symbolic TrueType font's best guess).
    Latin1,
}

impl BaseEncoding {
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"StandardEncoding" => Some(Self::Standard),
            b"WinAnsiEncoding" => Some(Self::WinAnsi),
            b"MacRomanEncoding" => Some(Self::MacRoman),
            // Not a font encoding, but producers write it; its printable range is Latin-1-like.
            b"PDFDocEncoding" => Some(Self::WinAnsi),
            _ => None,
        }
    }

    /// The character a code stands for, if any.
    pub(crate) fn decode(self, code: u8) -> Option<char> {
        match self {
            Self::Standard => standard(code),
            // PDF 32000-1, Annex D, note 5: in WinAnsiEncoding every unused code above
            // 0o40 shows a bullet (reportlab draws its bullets as 0x7F).
            Self::WinAnsi => {
                single_byte(CodePage::Windows1252, code).or((code > 0x20).then_some('•'))
            }
            Self::MacRoman => single_byte(CodePage::MacRoman, code),
            Self::Latin1 => (code >= 0x20).then_some(char::from(code)),
        }
    }
}

/// The character of `code` in one of the two code pages, as the WHATWG Encoding Standard
/// defines them (what encoding_rs decodes); `None` for C0/C1 controls and unassigned codes.
fn single_byte(page: CodePage, code: u8) -> Option<char> {
    let c = match (page, code) {
        (_, 0..=0x1F | 0x7F) => return None,
        (_, 0x20..=0x7E) => char::from(code),
        (CodePage::Windows1252, 0x80..=0x9F) => WINDOWS_1252_80[usize::from(code - 0x80)],
        (CodePage::Windows1252, _) => char::from(code),
        (CodePage::MacRoman, _) => MAC_ROMAN_80[usize::from(code - 0x80)],
    };
    (!c.is_control()).then_some(c)
}

/// Our own tables rather than encoding_rs's: decoding through an `encoding_rs::Encoding`
/// dispatches over every encoding it knows, so a module that decodes one byte of cp1252
/// carried its CJK tables as well.
#[derive(Clone, Copy)]
enum CodePage {
    Windows1252,
    MacRoman,
}

/// windows-1252 0x80-0x9F (the rest is Latin-1); `\u{81}` and the like: unassigned.
const WINDOWS_1252_80: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// macintosh (Mac OS Roman) 0x80-0xFF.
const MAC_ROMAN_80: [char; 128] = [
    'Ä', 'Å', 'Ç', 'É', 'Ñ', 'Ö', 'Ü', 'á', 'à', 'â', 'ä', 'ã', 'å', 'ç', 'é', 'è', 'ê', 'ë', 'í',
    'ì', 'î', 'ï', 'ñ', 'ó', 'ò', 'ô', 'ö', 'õ', 'ú', 'ù', 'û', 'ü', '†', '°', '¢', '£', '§', '•',
    '¶', 'ß', '®', '©', '™', '´', '¨', '≠', 'Æ', 'Ø', '∞', '±', '≤', '≥', '¥', 'µ', '∂', '∑', '∏',
    'π', '∫', 'ª', 'º', 'Ω', 'æ', 'ø', '¿', '¡', '¬', '√', 'ƒ', '≈', '∆', '«', '»', '…', '\u{A0}',
    'À', 'Ã', 'Õ', 'Œ', 'œ', '–', '—', '“', '”', '‘', '’', '÷', '◊', 'ÿ', 'Ÿ', '⁄', '€', '‹', '›',
    'ﬁ', 'ﬂ', '‡', '·', '‚', '„', '‰', 'Â', 'Ê', 'Á', 'Ë', 'È', 'Í', 'Î', 'Ï', 'Ì', 'Ó', 'Ô',
    '\u{F8FF}', 'Ò', 'Ú', 'Û', 'Ù', 'ı', 'ˆ', '˜', '¯', '˘', '˙', '˚', '¸', '˝', '˛', 'ˇ',
];

/// `c` as a windows-1252 byte, if it has one.
pub(crate) fn windows_1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        0..=0x7F | 0xA0..=0xFF => Some(c as u8),
        _ => WINDOWS_1252_80
            .iter()
            .position(|m| *m == c)
            .map(|i| 0x80 + i as u8),
    }
}

/// Adobe StandardEncoding: ASCII except the quotes at 0x27/0x60, and its own upper half.
fn standard(code: u8) -> Option<char> {
    let c = match code {
        0x27 => '\u{2019}',
        0x60 => '\u{2018}',
        0x20..=0x7E => char::from(code),
        0xA1 => '¡',
        0xA2 => '¢',
        0xA3 => '£',
        0xA4 => '\u{2044}',
        0xA5 => '¥',
        0xA6 => 'ƒ',
        0xA7 => '§',
        0xA8 => '¤',
        0xA9 => '\'',
        0xAA => '“',
        0xAB => '«',
        0xAC => '‹',
        0xAD => '›',
        0xAE => '\u{FB01}',
        0xAF => '\u{FB02}',
        0xB1 => '–',
        0xB2 => '†',
        0xB3 => '‡',
        0xB4 => '·',
        0xB6 => '¶',
        0xB7 => '•',
        0xB8 => '‚',
        0xB9 => '„',
        0xBA => '”',
        0xBB => '»',
        0xBC => '…',
        0xBD => '‰',
        0xBF => '¿',
        0xC1 => '`',
        0xC2 => '´',
        0xC3 => 'ˆ',
        0xC4 => '˜',
        0xC5 => '¯',
        0xC6 => '˘',
        0xC7 => '˙',
        0xC8 => '¨',
        0xCA => '˚',
        0xCB => '¸',
        0xCD => '˝',
        0xCE => '˛',
        0xCF => 'ˇ',
        0xD0 => '—',
        0xE1 => 'Æ',
        0xE3 => 'ª',
        0xE8 => 'Ł',
        0xE9 => 'Ø',
        0xEA => 'Œ',
        0xEB => 'º',
        0xF1 => 'æ',
        0xF5 => 'ı',
        0xF8 => 'ł',
        0xF9 => 'ø',
        0xFA => 'œ',
        0xFB => 'ß',
        _ => return None,
    };
    Some(c)
}

/// Glyph names outside the AGL for New Fonts that real fonts use for text.
const EXTRA_NAMES: &[(&str, &str)] = &[
    ("ff", "ff"),
    ("fi", "fi"),
    ("fl", "fl"),
    ("ffi", "ffi"),
    ("ffl", "ffl"),
    ("nbspace", " "),
    ("nonbreakingspace", " "),
    ("sfthyphen", "-"),
    ("softhyphen", "-"),
    ("hyphenminus", "-"),
    ("dotlessj", "ȷ"),
    ("Ifraktur", "ℑ"),
    ("quotesinglbase", "‚"),
    ("visiblespace", "␣"),
    ("compwordmark", ""),
    ("Euro", "€"),
    ("mu", "µ"),
    ("middot", "·"),
    ("apostrophe", "'"),
];

fn agl() -> &'static [(&'static str, char)] {
    static TABLE: OnceLock<Vec<(&'static str, char)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(&'static str, char)> = glyph_names::GLYPH_NAME_PAIRS
            .iter()
            .map(|(c, name)| (*name, *c))
            .collect();
        table.sort_unstable_by(|a, b| a.0.cmp(b.0));
        table
    })
}

/// The text a glyph name stands for (Adobe Glyph List specification, section 2):
/// suffixes after a period are dropped, `_` joins ligature components, `uniXXXX` and
/// `uXXXX[XX]` carry code points. Unknown names (`g123`, `cid42`) give `None`.
pub(crate) fn name_to_text(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let base = match name.find('.') {
        Some(0) => return None, // `.notdef`, `.null`
        Some(i) => &name[..i],
        None => name,
    };
    if base.contains('_') {
        let mut out = String::new();
        for part in base.split('_') {
            out.push_str(&component(part)?);
        }
        return Some(out);
    }
    component(base)
}

fn component(name: &str) -> Option<String> {
    if let Some((_, text)) = EXTRA_NAMES.iter().find(|(n, _)| *n == name) {
        return Some((*text).to_string());
    }
    let table = agl();
    if let Ok(i) = table.binary_search_by(|(n, _)| (*n).cmp(name)) {
        return table.get(i).map(|(_, c)| c.to_string());
    }
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut out = String::new();
            for chunk in hex.as_bytes().chunks(4) {
                let s = std::str::from_utf8(chunk).ok()?;
                out.push(char::from_u32(u32::from_str_radix(s, 16).ok()?)?);
            }
            return Some(out);
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return char::from_u32(u32::from_str_radix(hex, 16).ok()?).map(String::from);
        }
    }
    None
}

/// Expands presentation-form ligatures and maps the odd spaces and hyphens to plain ones,
/// so that words compare and search as typed.
pub(crate) fn push_normalized(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{3000}' => out.push(' '),
            '\u{00AD}' | '\u{2010}' | '\u{2011}' => out.push('-'),
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{FFFD}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// Our two code pages decode every byte as encoding_rs does (C0/C1 controls dropped).
    #[test]
    fn code_pages_match_encoding_rs() {
        for (page, reference) in [
            (CodePage::Windows1252, encoding_rs::WINDOWS_1252),
            (CodePage::MacRoman, encoding_rs::MACINTOSH),
        ] {
            for code in 0..=255u8 {
                let byte = [code];
                let (text, _) = reference.decode_without_bom_handling(&byte);
                let want = text.chars().next().filter(|c| !c.is_control());
                assert_eq!(
                    single_byte(page, code),
                    want,
                    "{} {code:#04x}",
                    reference.name()
                );
            }
        }
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            let want = (!unmappable && bytes.len() == 1).then(|| bytes[0]);
            assert_eq!(windows_1252_byte(c), want, "{c:?}");
        }
    }

    #[test]
    fn glyph_names_resolve() {
        assert_eq!(name_to_text(b"eacute").as_deref(), Some("é"));
        assert_eq!(name_to_text(b"Lslash").as_deref(), Some("Ł"));
        assert_eq!(name_to_text(b"uni00FC").as_deref(), Some("ü"));
        assert_eq!(name_to_text(b"uni00660069").as_deref(), Some("fi"));
        assert_eq!(name_to_text(b"u1F600").as_deref(), Some("😀"));
        assert_eq!(name_to_text(b"f_i").as_deref(), Some("fi"));
        assert_eq!(name_to_text(b"a.sc").as_deref(), Some("a"));
        assert_eq!(name_to_text(b"fi").as_deref(), Some("fi"));
        assert_eq!(name_to_text(b"quoteright").as_deref(), Some("\u{2019}"));
        assert_eq!(name_to_text(b"g123"), None);
        assert_eq!(name_to_text(b".notdef"), None);
    }

    #[test]
    fn base_encodings_differ_where_they_should() {
        assert_eq!(BaseEncoding::WinAnsi.decode(0x80), Some('€'));
        assert_eq!(BaseEncoding::WinAnsi.decode(0xE9), Some('é'));
        assert_eq!(BaseEncoding::MacRoman.decode(0x8E), Some('é'));
        assert_eq!(BaseEncoding::Standard.decode(0x27), Some('\u{2019}'));
        assert_eq!(BaseEncoding::Standard.decode(0xE8), Some('Ł'));
        assert_eq!(BaseEncoding::WinAnsi.decode(0x0A), None);
        assert_eq!(BaseEncoding::WinAnsi.decode(0x7F), Some('•'));
    }

    #[test]
    fn ligatures_expand() {
        let mut s = String::new();
        push_normalized(&mut s, "\u{FB01}nance of\u{FB02}ow\u{00A0}x");
        assert_eq!(s, "finance offlow x");
    }
}
