//! A font's `/ToUnicode` CMap (PDF 32000-1, 9.10.3): character code -> UTF-16 text.
//!
//! Ours rather than lopdf's: lopdf parses these maps only inside `get_font_encoding`,
//! which also resolves `/Differences` through its full Adobe glyph list, a single function
//! of ~530 KB of wasm that every module with the extractor carried and never ran (our
//! `/Differences` go through `glyphs`). It is also lenient where lopdf gives up: an entry
//! it cannot read is skipped, not the whole map.
//!
//! Read: `beginbfchar` pairs `<code> <text>`, `beginbfrange` triples `<lo> <hi> <text>`
//! (the last UTF-16 unit counts up from `lo`) or `<lo> <hi> [<text> ...]` (one per code).
//! A code's length is its hex string's byte count (1-4); a later entry overrides an
//! earlier one. Codespace ranges are not needed to look a code up, so they are skipped.

use std::collections::BTreeMap;

/// Codes of one byte length, as non-overlapping ranges keyed by their first code.
type Ranges = BTreeMap<u32, Piece>;

#[derive(Debug, Default)]
pub(crate) struct CMap {
    /// Index `n`: codes of `n + 1` bytes.
    by_len: [Ranges; 4],
    targets: Vec<Target>,
}

/// What part of a bfchar/bfrange entry covers: codes `..=hi`, counted from `origin` (the
/// entry's first code, also after a later entry split it).
#[derive(Debug, Clone, Copy)]
struct Piece {
    hi: u32,
    origin: u32,
    target: usize,
}

#[derive(Debug)]
enum Target {
    /// The text of `origin`; each following code adds one to the last unit.
    Counting(Vec<u16>),
    /// One text per code from `origin` on.
    Each(Vec<Vec<u16>>),
}

impl CMap {
    /// The map in a CMap stream's (decoded) bytes; `None` when it maps no code.
    pub(crate) fn parse(bytes: &[u8]) -> Option<CMap> {
        let mut map = CMap::default();
        let mut tokens = Tokens { bytes, at: 0 };
        while let Some(token) = tokens.next() {
            let end: &[u8] = match token {
                Token::Word(b"beginbfchar") => b"endbfchar",
                Token::Word(b"beginbfrange") => b"endbfrange",
                _ => continue,
            };
            let mut operands = Vec::new();
            while let Some(token) = tokens.next() {
                if matches!(token, Token::Word(w) if w == end) {
                    break;
                }
                operands.push(token);
            }
            let mut rest = operands.as_slice();
            while !rest.is_empty() {
                rest = match (end, rest) {
                    (b"endbfchar", [Token::Hex(code), Token::Hex(text), more @ ..]) => {
                        if let Some((code, len)) = code_of(code) {
                            map.insert(len, code, code, Target::Counting(units(text)));
                        }
                        more
                    }
                    (
                        b"endbfrange",
                        [Token::Hex(lo), Token::Hex(hi), Token::Hex(text), more @ ..],
                    ) => {
                        map.insert_range(lo, hi, Target::Counting(units(text)));
                        more
                    }
                    (
                        b"endbfrange",
                        [Token::Hex(lo), Token::Hex(hi), Token::Array(texts), more @ ..],
                    ) => {
                        let texts = texts.iter().map(|t| units(t)).collect();
                        map.insert_range(lo, hi, Target::Each(texts));
                        more
                    }
                    // Not an entry: skip one token and look again.
                    (_, [_, more @ ..]) => more,
                    (_, []) => rest,
                };
            }
        }
        (!map.targets.is_empty()).then_some(map)
    }

    /// The UTF-16 text of `code`, a code of `len` bytes.
    pub(crate) fn get(&self, code: u32, len: u8) -> Option<Vec<u16>> {
        let ranges = self.by_len.get(usize::from(len).checked_sub(1)?)?;
        let (_, piece) = ranges.range(..=code).next_back()?;
        if code > piece.hi {
            return None;
        }
        let step = code - piece.origin;
        match self.targets.get(piece.target)? {
            Target::Counting(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(step as u16);
                Some(units)
            }
            Target::Each(texts) => texts.get(step as usize).cloned(),
        }
    }

    /// A bfrange entry; a reversed range maps nothing.
    fn insert_range(&mut self, lo: &[u8], hi: &[u8], target: Target) {
        if let (Some((lo, len)), Some((hi, _))) = (code_of(lo), code_of(hi)) {
            if lo <= hi {
                self.insert(len, lo, hi, target);
            }
        }
    }

    /// Map `lo..=hi` to `target`, over whatever covered those codes before.
    fn insert(&mut self, len: usize, lo: u32, hi: u32, target: Target) {
        let Some(ranges) = self.by_len.get_mut(len - 1) else {
            return;
        };
        let overlapping: Vec<u32> = ranges
            .range(..=hi)
            .rev()
            .take_while(|(_, piece)| piece.hi >= lo)
            .map(|(start, _)| *start)
            .collect();
        for start in overlapping {
            let Some(piece) = ranges.remove(&start) else {
                continue;
            };
            if start < lo {
                ranges.insert(
                    start,
                    Piece {
                        hi: lo - 1,
                        ..piece
                    },
                );
            }
            if piece.hi > hi {
                ranges.insert(hi + 1, piece);
            }
        }
        ranges.insert(
            lo,
            Piece {
                hi,
                origin: lo,
                target: self.targets.len(),
            },
        );
        self.targets.push(target);
    }
}

/// A hex string as a code and its length in bytes (1-4).
fn code_of(hex: &[u8]) -> Option<(u32, usize)> {
    if hex.is_empty() || hex.len() > 4 {
        return None;
    }
    Some((
        hex.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)),
        hex.len(),
    ))
}

/// A hex string's bytes as UTF-16BE units (an odd last byte is dropped).
fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect()
}

enum Token<'a> {
    /// A hex string's bytes.
    Hex(Vec<u8>),
    /// An array's hex strings (other elements dropped).
    Array(Vec<Vec<u8>>),
    /// Anything else: an operator, a name, a number, a literal string.
    Word(&'a [u8]),
}

struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Tokens<'a> {
    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let b = *self.bytes.get(self.at)?;
            if b == b'%' {
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b'\n' | b'\r'))
                {
                    self.at += 1;
                }
            } else if b.is_ascii_whitespace() || b == 0 {
                self.at += 1;
            } else {
                break;
            }
        }
        let start = self.at;
        match self.bytes[start] {
            b'<' if self.bytes.get(start + 1) == Some(&b'<') => {
                self.at += 2;
                Some(Token::Word(b"<<"))
            }
            b'<' => Some(Token::Hex(self.hex())),
            b'[' => {
                self.at += 1;
                let mut texts = Vec::new();
                while let Some(token) = self.next() {
                    match token {
                        Token::Hex(text) => texts.push(text),
                        Token::Word(b"]") => break,
                        _ => {}
                    }
                }
                Some(Token::Array(texts))
            }
            b']' | b'{' | b'}' => {
                self.at += 1;
                Some(Token::Word(&self.bytes[start..start + 1]))
            }
            b'(' => {
                // A literal string (nested parentheses, escapes): skipped as one word.
                let mut depth = 0usize;
                while let Some(&b) = self.bytes.get(self.at) {
                    self.at += 1;
                    match b {
                        b'\\' => self.at += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Some(Token::Word(b"()"))
            }
            _ => {
                self.at += 1;
                while self.bytes.get(self.at).is_some_and(|b| {
                    !b.is_ascii_whitespace() && !b"<>[]{}()/%".contains(b) && *b != 0
                }) {
                    self.at += 1;
                }
                Some(Token::Word(&self.bytes[start..self.at]))
            }
        }
    }

    /// The bytes of the hex string at `<` (blanks inside ignored, an odd last digit is
    /// followed by an implied 0, as PDF says).
    fn hex(&mut self) -> Vec<u8> {
        self.at += 1;
        let mut digits = Vec::new();
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            match b {
                b'>' => break,
                b'0'..=b'9' => digits.push(b - b'0'),
                b'a'..=b'f' => digits.push(b - b'a' + 10),
                b'A'..=b'F' => digits.push(b - b'A' + 10),
                _ => {}
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        digits.chunks_exact(2).map(|d| d[0] << 4 | d[1]).collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn text(map: &CMap, code: u32, len: u8) -> Option<String> {
        map.get(code, len).map(|u| String::from_utf16_lossy(&u))
    }

    const TYPICAL: &[u8] = b"/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0003> <0020>
<0011> <0041>
<001F> <D835DC00> % a surrogate pair
endbfchar
2 beginbfrange
<0044> <0046> <0061>
<0050> <0052> [<0066006C> <00E9> <2022>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end";

    #[test]
    fn bfchar_bfrange_and_arrays() {
        let map = CMap::parse(TYPICAL).unwrap();
        assert_eq!(text(&map, 0x03, 2).as_deref(), Some(" "));
        assert_eq!(text(&map, 0x11, 2).as_deref(), Some("A"));
        assert_eq!(text(&map, 0x1F, 2).as_deref(), Some("\u{1D400}"));
        assert_eq!(text(&map, 0x44, 2).as_deref(), Some("a"));
        assert_eq!(text(&map, 0x46, 2).as_deref(), Some("c"));
        assert_eq!(text(&map, 0x47, 2), None);
        assert_eq!(text(&map, 0x50, 2).as_deref(), Some("fl"));
        assert_eq!(text(&map, 0x52, 2).as_deref(), Some("•"));
        // Codes of another length are other codes.
        assert_eq!(text(&map, 0x11, 1), None);
        assert_eq!(map.get(0x11, 0), None);
        assert_eq!(map.get(0x11, 5), None);
    }

    #[test]
    fn a_later_entry_overrides_part_of_an_earlier_range() {
        let map = CMap::parse(
            b"1 beginbfrange <20> <2F> <0041> endbfrange
              1 beginbfchar <25> <0078> endbfchar
              1 beginbfrange <2A> <30> <0061> endbfrange",
        )
        .unwrap();
        let got: String = (0x20..=0x30).map(|c| text(&map, c, 1).unwrap()).collect();
        // 20-24 count from the first range's start, 25 is the bfchar, 26-29 are the first
        // range again (still counted from 0x20), 2A-30 the last range.
        assert_eq!(got, "ABCDExGHIJabcdefg");
    }

    #[test]
    fn junk_is_skipped_not_fatal() {
        let map = CMap::parse(
            b"2 beginbfchar <01> /space <02> <0042> endbfchar
              1 beginbfrange <10> <05> <0041> endbfrange
              1 beginbfrange <20> <21> (x) <30> <31> <0061> endbfrange
              1 beginbfchar <0304050607> <0041> endbfchar",
        )
        .unwrap();
        assert_eq!(text(&map, 0x02, 1).as_deref(), Some("B"));
        assert_eq!(text(&map, 0x01, 1), None);
        // A reversed range maps nothing.
        assert_eq!(text(&map, 0x07, 1), None);
        assert_eq!(text(&map, 0x31, 1).as_deref(), Some("b"));
        assert!(CMap::parse(b"begincmap endcmap").is_none());
        assert!(CMap::parse(b"").is_none());
    }

    #[test]
    fn hex_strings_allow_blanks_and_odd_digits() {
        let map = CMap::parse(b"1 beginbfchar < 4 1 > <00 4> endbfchar").unwrap();
        // <4> is <40>: 0x40 -> U+0040.
        assert_eq!(text(&map, 0x41, 1).as_deref(), Some("@"));
    }
}
