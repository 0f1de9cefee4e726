//! Step 1: resume text → [`Line`]s: bullets noted, letter-spaced headings collapsed,
//! rules drawn with characters dropped.

#[derive(Clone, Debug)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) bullet: bool,
    /// A blank line (a new block) came before this one.
    pub(super) blank_before: bool,
}

const BULLETS: &[char] = &[
    '•', '◦', '▪', '▫', '●', '○', '■', '□', '►', '▶', '➢', '✓', '✔', '*', '-', '–', '—', '·', '⋅',
    '−', '\u{F0B7}',
];

/// `E X P E R I E N C E` or `W O R K  H I S T O R Y` (words two spaces apart) → words.
pub(super) fn collapse_letter_spacing(s: &str) -> String {
    let tokens: Vec<&str> = s.split(' ').collect();
    let letters = tokens.iter().filter(|t| t.chars().count() == 1).count();
    let empties = tokens.iter().filter(|t| t.is_empty()).count();
    if tokens.len() < 4 || letters + empties < tokens.len() || letters < 4 {
        return s.to_string();
    }
    s.split("  ")
        .map(|w| w.split(' ').collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut blank = false;
    for raw in text.lines() {
        let t = raw.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        // Rules drawn with characters: `-------`, `=====`.
        if t.chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '*' | '~' | '─' | '━'))
        {
            continue;
        }
        let mut text = t.to_string();
        let mut bullet = false;
        if let Some(c) = text.chars().next() {
            let rest = &text[c.len_utf8()..];
            if BULLETS.contains(&c)
                && (rest.starts_with(' ') || rest.starts_with('\t') || c == '•' || c == '\u{F0B7}')
            {
                bullet = true;
                text = rest.trim().to_string();
            }
        }
        if text.is_empty() {
            continue;
        }
        out.push(Line {
            text: collapse_letter_spacing(&text),
            bullet,
            blank_before: blank,
        });
        blank = false;
    }
    out
}
