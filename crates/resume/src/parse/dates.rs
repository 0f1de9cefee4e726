//! Dates and date ranges as resumes write them: `Jan 2020 – Present`, `2019-2021`,
//! `03/2018 - 06/2020`, `Sept. 2017 to now`, `01/2020 – heute`, `since 2021`, in English,
//! German, French, Spanish and Italian month names.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateVal {
    Ym(u16, u8),
    Y(u16),
    Present,
}

impl DateVal {
    pub(crate) fn render(self) -> String {
        match self {
            DateVal::Ym(y, m) => format!("{y:04}-{m:02}"),
            DateVal::Y(y) => format!("{y:04}"),
            DateVal::Present => "present".to_string(),
        }
    }

    pub(crate) fn year(self) -> Option<u16> {
        match self {
            DateVal::Ym(y, _) | DateVal::Y(y) => Some(y),
            DateVal::Present => None,
        }
    }
}

/// A date or a date range found in a line, with its byte span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: DateVal,
    pub(crate) end: Option<DateVal>,
    pub(crate) span: (usize, usize),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Date(DateVal),
    Month(u8),
    Sep,
    Since,
    Other,
}

const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("janv", 1),
    ("janvier", 1),
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("gen", 1),
    ("jän", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("fév", 2),
    ("fev", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("marz", 3),
    ("mrz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avr", 4),
    ("avril", 4),
    ("abril", 4),
    ("abr", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("mag", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("giu", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juil", 7),
    ("juillet", 7),
    ("julio", 7),
    ("luglio", 7),
    ("lug", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("settembre", 9),
    ("set", 9),
    ("october", 10),
    ("oct", 10),
    ("okt", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("ott", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dez", 12),
    ("dezember", 12),
    ("déc", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dicembre", 12),
];

const PRESENT: &[&str] = &[
    "present",
    "current",
    "currently",
    "now",
    "today",
    "ongoing",
    "date",
    "heute",
    "aktuell",
    "jetzt",
    "aujourd'hui",
    "aujourd’hui",
    "actuel",
    "présent",
    "actualidad",
    "presente",
    "hoy",
    "oggi",
    "attuale",
];

const SEPARATORS: &[&str] = &[
    "-", "–", "—", "−", "~", "to", "till", "until", "bis", "au", "à", "a", "al", "hasta", "–>", ">",
];

const SINCE: &[&str] = &["since", "seit", "depuis", "desde", "dal", "from", "ab"];

fn year(s: &str) -> Option<u16> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u16>().ok().filter(|y| (1950..=2099).contains(y))
}

fn classify(word: &str) -> Tok {
    let lower = word.to_lowercase();
    let w = lower.trim_end_matches('.');
    if let Some(y) = year(w) {
        return Tok::Date(DateVal::Y(y));
    }
    // 03/2018, 3.2018, 2020-01, 2020/01
    for sep in ['/', '.', '-'] {
        if let Some((a, b)) = w.split_once(sep) {
            if let (Ok(m), Some(y)) = (a.parse::<u8>(), year(b)) {
                if (1..=12).contains(&m) && a.len() <= 2 {
                    return Tok::Date(DateVal::Ym(y, m));
                }
            }
            if let (Some(y), Ok(m)) = (year(a), b.parse::<u8>()) {
                if (1..=12).contains(&m) && b.len() <= 2 {
                    return Tok::Date(DateVal::Ym(y, m));
                }
            }
            if let (Some(y1), Some(y2)) = (year(a), year(b)) {
                // `2019-2021` written as one word: a range; the caller splits it.
                let _ = (y1, y2);
            }
        }
    }
    if let Some((_, m)) = MONTHS.iter().find(|(name, _)| *name == w) {
        return Tok::Month(*m);
    }
    if PRESENT.contains(&w) {
        return Tok::Date(DateVal::Present);
    }
    if SEPARATORS.contains(&w) {
        return Tok::Sep;
    }
    if SINCE.contains(&w) {
        return Tok::Since;
    }
    Tok::Other
}

/// Words of a line with byte spans; dashes are words of their own, so `2014–2016` and
/// `2019-2021` split, while `03/2018`, `03.2018` and `2020-01` stay whole.
fn words(line: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let dash = matches!(c, '–' | '—' | '−' | '~');
        let hyphen_between_years = c == '-' && {
            // keep `2020-01` together, split `2019-2021` and `Jan 2020-Present`
            let before: String = line[..i]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect();
            let after: String = line[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            !(before.len() == 4 && (1..=2).contains(&after.len()))
        };
        let splits = c.is_whitespace()
            || dash
            || hyphen_between_years
            || matches!(c, ',' | '(' | ')' | '|' | '·' | '•' | ';');
        if splits {
            if let Some(s) = start.take() {
                out.push((s, i, &line[s..i]));
            }
            if dash || c == '-' {
                out.push((i, i + c.len_utf8(), &line[i..i + c.len_utf8()]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
        let _ = k;
    }
    if let Some(s) = start {
        out.push((s, line.len(), &line[s..]));
    }
    out
}

/// All dates and ranges in a line, left to right.
pub(crate) fn find(line: &str) -> Vec<Found> {
    let ws = words(line);
    // Collapse `Month Year` pairs into dates.
    let mut toks: Vec<(usize, usize, Tok)> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let (s, e, w) = ws[i];
        let t = classify(w);
        if let Tok::Month(m) = t {
            if let Some(&(_, e2, w2)) = ws.get(i + 1) {
                let y = year(w2).or_else(|| {
                    // 'Jan '20 / Jan ’20
                    let short = w2.trim_start_matches(['\'', '’']);
                    (short.len() == 2 && w2.len() > short.len())
                        .then(|| short.parse::<u16>().ok().map(|v| 2000 + v))
                        .flatten()
                });
                if let Some(y) = y {
                    toks.push((s, e2, Tok::Date(DateVal::Ym(y, m))));
                    i += 2;
                    continue;
                }
            }
            toks.push((s, e, Tok::Other));
        } else {
            toks.push((s, e, t));
        }
        i += 1;
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        match &toks[k].2 {
            Tok::Since => {
                if let Some((_, e, Tok::Date(d))) = toks.get(k + 1) {
                    if *d != DateVal::Present {
                        out.push(Found {
                            start: *d,
                            end: Some(DateVal::Present),
                            span: (toks[k].0, *e),
                        });
                        k += 2;
                        continue;
                    }
                }
            }
            Tok::Date(d) if *d != DateVal::Present => {
                let s = toks[k].0;
                // date SEP+ date
                let mut j = k + 1;
                while matches!(toks.get(j), Some((_, _, Tok::Sep))) {
                    j += 1;
                }
                if j > k + 1 {
                    if let Some((_, e, Tok::Date(end))) = toks.get(j) {
                        out.push(Found {
                            start: *d,
                            end: Some(*end),
                            span: (s, *e),
                        });
                        k = j + 1;
                        continue;
                    }
                }
                out.push(Found {
                    start: *d,
                    end: None,
                    span: (s, toks[k].1),
                });
            }
            _ => {}
        }
        k += 1;
    }
    out
}

/// The first range in a line (a single date counts as a range with no end).
pub(crate) fn first_range(line: &str) -> Option<Found> {
    let all = find(line);
    all.iter()
        .find(|f| f.end.is_some())
        .or(all.first())
        .copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn range(line: &str) -> Option<(String, Option<String>)> {
        first_range(line).map(|f| (f.start.render(), f.end.map(DateVal::render)))
    }

    #[test]
    fn usual_formats() {
        let s = |a: &str, b: &str| Some((a.to_string(), Some(b.to_string())));
        assert_eq!(range("Jan 2020 – Present"), s("2020-01", "present"));
        assert_eq!(range("2019-2021"), s("2019", "2021"));
        assert_eq!(range("03/2018 - 06/2020"), s("2018-03", "2020-06"));
        assert_eq!(range("Sept. 2017 to now"), s("2017-09", "present"));
        assert_eq!(range("March 2015 — Dec 2016"), s("2015-03", "2016-12"));
        assert_eq!(range("01/2020 – heute"), s("2020-01", "present"));
        assert_eq!(range("2018 – aujourd’hui"), s("2018", "present"));
        assert_eq!(
            range("Senior Engineer\tAug 2021 – Present"),
            s("2021-08", "present")
        );
        assert_eq!(range("2014–2016"), s("2014", "2016"));
        assert_eq!(range("since 2021"), s("2021", "present"));
        assert_eq!(range("2020-01 to 2021-06"), s("2020-01", "2021-06"));
        assert_eq!(range("Jan '19 - Mar '20"), s("2019-01", "2020-03"));
        assert_eq!(range("mars 2019 à juin 2021"), s("2019-03", "2021-06"));
    }

    #[test]
    fn single_dates_and_non_dates() {
        assert_eq!(
            range("Boston University\t2014"),
            Some(("2014".to_string(), None))
        );
        assert_eq!(range("Managed a budget of $4.2M and a team of 14."), None);
        assert_eq!(range("+49 151 2345 6789"), None);
    }

    #[test]
    fn span_covers_the_range() {
        let line = "Data Scientist\tSept. 2019 to now";
        let f = first_range(line).unwrap();
        assert_eq!(&line[f.span.0..f.span.1], "Sept. 2019 to now");
    }
}
