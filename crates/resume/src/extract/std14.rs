//! Advance widths of the standard-14 text fonts, which a PDF may use without embedding
//! them or giving `/Widths` (reportlab does, with Helvetica and Times). Positions, and so
//! word gaps and columns, depend on them. Data: `data/std14-widths.txt`.

use std::sync::OnceLock;

const DATA: &str = include_str!("../../data/std14-widths.txt");

/// Typical advance for a glyph we have no metric for, in 1/1000 em.
const FALLBACK: f64 = 500.0;

pub(crate) enum Metrics {
    Table(&'static [u16]),
    Fixed(f64),
}

fn tables() -> &'static Vec<(&'static str, Vec<u16>)> {
    static TABLES: OnceLock<Vec<(&'static str, Vec<u16>)>> = OnceLock::new();
    TABLES.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut fields = l.split_ascii_whitespace();
                let name = fields.next()?;
                let widths: Vec<u16> = fields.filter_map(|w| w.parse().ok()).collect();
                (widths.len() == 224).then_some((name, widths))
            })
            .collect()
    })
}

impl Metrics {
    /// Metrics for a `/BaseFont` (subset prefix already removed). Names that are not
    /// standard fonts get Helvetica's: a closer guess for proportional text than one fixed
    /// width.
    pub(crate) fn for_base_font(name: &[u8]) -> Metrics {
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        if name.contains("courier") || name.contains("mono") {
            return Metrics::Fixed(600.0);
        }
        let bold = name.contains("bold") || name.contains("black") || name.contains("heavy");
        let italic = name.contains("italic") || name.contains("oblique");
        let family = if name.contains("times") || name.contains("serif") && !name.contains("sans") {
            [
                "Times-Roman",
                "Times-Bold",
                "Times-Italic",
                "Times-BoldItalic",
            ]
        } else {
            [
                "Helvetica",
                "Helvetica-Bold",
                "Helvetica-Oblique",
                "Helvetica-BoldOblique",
            ]
        };
        let wanted = match (bold, italic) {
            (false, false) => family[0],
            (true, false) => family[1],
            (false, true) => family[2],
            (true, true) => family[3],
        };
        match tables().iter().find(|(n, _)| *n == wanted) {
            Some((_, widths)) => Metrics::Table(widths),
            None => Metrics::Fixed(FALLBACK),
        }
    }

    /// Width in 1/1000 em of the glyph for `code`, which decodes to `ch`. The tables are
    /// indexed by WinAnsi code, so a character is first put back into WinAnsi.
    pub(crate) fn width(&self, code: u8, ch: Option<char>) -> f64 {
        let table = match self {
            Metrics::Fixed(w) => return *w,
            Metrics::Table(t) => t,
        };
        let winansi = match ch {
            Some(c) if c.is_ascii() => Some(c as u8),
            Some(c) => super::glyphs::windows_1252_byte(c),
            None => Some(code),
        };
        winansi
            .and_then(|c| c.checked_sub(32))
            .and_then(|i| table.get(usize::from(i)))
            .map(|w| f64::from(*w))
            .filter(|w| *w > 0.0)
            .unwrap_or(FALLBACK)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_and_match_known_metrics() {
        assert_eq!(tables().len(), 8);
        let helv = Metrics::for_base_font(b"Helvetica");
        assert_eq!(helv.width(b'A', Some('A')), 667.0);
        assert_eq!(helv.width(b' ', Some(' ')), 278.0);
        let times_bold = Metrics::for_base_font(b"Times-Bold");
        assert_eq!(times_bold.width(b'W', Some('W')), 1000.0);
        assert_eq!(
            Metrics::for_base_font(b"Courier-Oblique").width(b'i', Some('i')),
            600.0
        );
        // é through its WinAnsi code, whatever code the font used
        assert_eq!(helv.width(0x8E, Some('é')), 556.0);
    }
}
