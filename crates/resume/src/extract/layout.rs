//! Glyphs with positions → text in reading order. Drawing order is not reading order
//! (generators draw sidebars, footers or whole sections in any order), so order comes from
//! geometry alone:
//! 1. glyphs → lines by baseline; a line → segments where a wide gap separates its parts;
//! 2. segments → regions: a vertical gutter that no segment crosses over many lines splits
//!    the page into columns (recursively), unless the two sides are row-aligned, as in a
//!    table or a dates-on-the-left layout, which read row by row;
//! 3. within a segment, words are joined by gap, with a threshold that adapts to
//!    letter-spacing, so `E X P E R I E N C E` drawn glyph by glyph reads `EXPERIENCE`.

use super::content::Placed;

/// Word gap, in em, above the letter spacing a segment already has.
const WORD_GAP_EM: f64 = 0.15;
/// A gap this wide (em) ends a segment.
const SEGMENT_GAP_EM: f64 = 1.0;
/// Segments on one line further apart than this (em) are joined with a tab, not a space:
/// a right-aligned date or a table cell.
const TAB_GAP_EM: f64 = 2.0;

#[derive(Debug, Clone)]
struct Segment {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// Whether the page was read as one flow or split into columns.
pub(crate) struct PageText {
    pub(crate) text: String,
    pub(crate) columns: bool,
}

pub(crate) fn page_text(mut glyphs: Vec<Placed>) -> PageText {
    glyphs.retain(|g| g.size > 0.5 && g.x.is_finite() && g.y.is_finite());
    let mut out = String::new();
    let mut columns = false;
    // Upright text first, then each other direction as its own flow.
    for turn in 0..4u8 {
        let group: Vec<Placed> = glyphs.iter().filter(|g| g.turn == turn).cloned().collect();
        if group.iter().all(|g| g.space) {
            continue;
        }
        let segments = segments(group);
        let mut regions = Vec::new();
        let all: Vec<usize> = (0..segments.len()).collect();
        split_regions(&segments, all, 0, &mut regions);
        columns |= regions.len() > 1;
        for region in regions {
            let text = region_text(&segments, &region);
            if text.trim().is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(text.trim_end());
        }
    }
    PageText { text: out, columns }
}

/// Lines by baseline, then each line cut into segments at wide gaps.
fn segments(mut glyphs: Vec<Placed>) -> Vec<Segment> {
    slim_sort::sort_by(&mut glyphs, |a, b| {
        b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x))
    });
    let mut lines: Vec<Vec<Placed>> = Vec::new();
    let mut line_y = f64::NAN;
    let mut line_size = 0.0;
    for g in glyphs {
        let tol = 0.3 * g.size.min(line_size).max(1.0);
        if lines.is_empty() || (g.y - line_y).abs() > tol {
            line_y = g.y;
            line_size = g.size;
            lines.push(Vec::new());
        }
        if let Some(line) = lines.last_mut() {
            line.push(g);
        }
    }
    let mut out = Vec::new();
    for mut line in lines {
        slim_sort::sort_by(&mut line, |a, b| a.x.total_cmp(&b.x));
        dedupe_overdraw(&mut line);
        // A letter-spaced line has wider word gaps too: widen the cut with its spacing.
        let spacing = letter_spacing(&line, 3).unwrap_or(0.0);
        let cut_em = SEGMENT_GAP_EM + 2.0 * spacing;
        let mut start = 0;
        for i in 1..=line.len() {
            let cut = match (line.get(i - 1), line.get(i)) {
                (Some(prev), Some(cur)) => {
                    let em = prev.size.max(cur.size);
                    cur.x - (prev.x + prev.w) > cut_em * em && !(prev.space && cur.space)
                }
                _ => true,
            };
            if cut {
                if let Some(seg) = line.get(start..i).and_then(|g| make_segment(g, spacing)) {
                    out.push(seg);
                }
                start = i;
            }
        }
    }
    out
}

/// Producers fake bold by drawing a string twice, a hair apart: keep one copy.
fn dedupe_overdraw(line: &mut Vec<Placed>) {
    let mut kept: Vec<Placed> = Vec::with_capacity(line.len());
    for g in line.drain(..) {
        let dup = kept.iter().rev().take(4).any(|k| {
            !g.space
                && k.text == g.text
                && (k.x - g.x).abs() < 0.15 * g.size.max(1.0)
                && (k.y - g.y).abs() < 0.1 * g.size
        });
        if !dup {
            kept.push(g);
        }
    }
    *line = kept;
}

/// Letter spacing (em) that glyphs have throughout: the lower quartile of the gaps between
/// glyphs not separated by a space glyph; `None` with fewer than `min_gaps` gaps.
fn letter_spacing(glyphs: &[Placed], min_gaps: usize) -> Option<f64> {
    let mut gaps: Vec<f64> = Vec::new();
    for pair in glyphs.windows(2) {
        if let [a, b] = pair {
            if !a.space && !b.space {
                gaps.push((b.x - (a.x + a.w)) / a.size.max(b.size).max(1.0));
            }
        }
    }
    if gaps.len() < min_gaps {
        return None;
    }
    slim_sort::sort_by(&mut gaps, f64::total_cmp);
    Some(
        gaps.get(gaps.len() / 4)
            .copied()
            .filter(|q| *q > 0.08)
            .unwrap_or(0.0),
    )
}

fn make_segment(glyphs: &[Placed], line_spacing: f64) -> Option<Segment> {
    let visible: Vec<&Placed> = glyphs.iter().filter(|g| !g.space).collect();
    let first = visible.first()?;
    let size = visible.iter().map(|g| g.size).fold(0.0, f64::max);
    let spacing = letter_spacing(glyphs, 4).unwrap_or(line_spacing);
    let threshold = spacing + WORD_GAP_EM;

    let mut text = String::new();
    let mut pending_space = false;
    let mut prev: Option<&Placed> = None;
    for g in glyphs {
        if g.space {
            pending_space = prev.is_some();
            continue;
        }
        if let Some(p) = prev {
            let gap = (g.x - (p.x + p.w)) / p.size.max(g.size).max(1.0);
            if gap > TAB_GAP_EM {
                // Monospaced layouts pad to a right-aligned date with runs of spaces.
                text.push('\t');
            } else if pending_space || gap > threshold {
                text.push(' ');
            }
        }
        text.push_str(&g.text);
        pending_space = false;
        prev = Some(g);
    }
    let last = visible.last().copied().unwrap_or(first);
    Some(Segment {
        x0: first.x,
        x1: last.x + last.w,
        y: first.y,
        size,
        text,
    })
}

/// Splits a set of segments into regions in reading order: above a column zone, its
/// left column, its right column, below it — each split again if it has columns itself.
fn split_regions(segs: &[Segment], mut idx: Vec<usize>, depth: u8, out: &mut Vec<Vec<usize>>) {
    slim_sort::sort_by(&mut idx, |a, b| {
        let (sa, sb) = (&segs[*a], &segs[*b]);
        sb.y.total_cmp(&sa.y).then(sa.x0.total_cmp(&sb.x0))
    });
    if depth >= 4 || idx.len() < 6 {
        out.push(idx);
        return;
    }
    let Some(zone) = best_gutter(segs, &idx) else {
        out.push(idx);
        return;
    };
    let (pre, rest) = idx.split_at(zone.start);
    let (run, post) = rest.split_at(zone.end - zone.start);
    let (left, right): (Vec<usize>, Vec<usize>) = run.iter().partition(|i| segs[**i].x1 <= zone.x);
    for part in [pre.to_vec(), left, right, post.to_vec()] {
        if !part.is_empty() {
            split_regions(segs, part, depth + 1, out);
        }
    }
}

struct Zone {
    /// Gutter position: left segments end before it, right ones start at or after it.
    x: f64,
    /// The zone's segments are `idx[start..end]` (in top-to-bottom order).
    start: usize,
    end: usize,
}

fn best_gutter(segs: &[Segment], idx: &[usize]) -> Option<Zone> {
    let min_x = idx
        .iter()
        .map(|i| segs[*i].x0)
        .fold(f64::INFINITY, f64::min);
    let mut candidates: Vec<f64> = idx
        .iter()
        .map(|i| segs[*i].x0)
        .filter(|x| *x > min_x + 1.0)
        .collect();
    slim_sort::sort_by(&mut candidates, f64::total_cmp);
    candidates.dedup_by(|a, b| (*a - *b).abs() < 1.0);

    let mut best: Option<(usize, Zone)> = None;
    for xc in candidates {
        let mut start = 0;
        for i in 0..=idx.len() {
            let crossing = match idx.get(i) {
                Some(&k) => {
                    let s = &segs[k];
                    let gutter = 0.5 * s.size;
                    !(s.x1 <= xc - gutter || s.x0 >= xc - 0.5)
                }
                None => true,
            };
            if !crossing {
                continue;
            }
            if let Some(run) = idx.get(start..i) {
                if let Some(score) = column_score(segs, run, xc) {
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((
                            score,
                            Zone {
                                x: xc,
                                start,
                                end: i,
                            },
                        ));
                    }
                }
            }
            start = i + 1;
        }
    }
    best.map(|(_, zone)| zone)
}

/// How many lines a gutter at `xc` separates over `run`, if it looks like two columns
/// rather than rows of a table.
fn column_score(segs: &[Segment], run: &[usize], xc: f64) -> Option<usize> {
    let (left, right): (Vec<&Segment>, Vec<&Segment>) =
        run.iter().map(|i| &segs[*i]).partition(|s| s.x0 < xc - 0.5);
    if left.len() < 3 || right.len() < 3 {
        return None;
    }
    let aligned = left
        .iter()
        .filter(|l| right.iter().any(|r| (r.y - l.y).abs() < 1.0))
        .count();
    let aligned_share = aligned as f64 / left.len().min(right.len()) as f64;
    let dense = |side: &[&Segment]| {
        let close = side
            .windows(2)
            .filter(|w| (w[0].y - w[1].y).abs() <= 1.6 * w[0].size.max(w[1].size))
            .count();
        close as f64 / (side.len() - 1) as f64
    };
    let both_dense =
        left.len() >= 6 && right.len() >= 6 && dense(&left) > 0.6 && dense(&right) > 0.6;
    (aligned_share < 0.5 || both_dense).then_some(left.len() + right.len())
}

/// A region's segments as lines, top to bottom; a blank line where the vertical gap says
/// a new paragraph or entry starts.
fn region_text(segs: &[Segment], idx: &[usize]) -> String {
    let mut lines: Vec<Vec<&Segment>> = Vec::new();
    for &i in idx {
        let s = &segs[i];
        match lines.last_mut() {
            Some(line)
                if line
                    .first()
                    .is_some_and(|f| (f.y - s.y).abs() <= 0.3 * f.size.min(s.size).max(1.0)) =>
            {
                line.push(s)
            }
            _ => lines.push(vec![s]),
        }
    }
    let mut out = String::new();
    let mut prev: Option<(f64, f64)> = None;
    for mut line in lines {
        slim_sort::sort_by(&mut line, |a, b| a.x0.total_cmp(&b.x0));
        let y = line.first().map(|s| s.y).unwrap_or(0.0);
        let size = line.iter().map(|s| s.size).fold(0.0, f64::max);
        if let Some((py, psize)) = prev {
            out.push('\n');
            if py - y > 1.75 * psize.max(size) {
                out.push('\n');
            }
        }
        let mut last_x1: Option<f64> = None;
        for s in line {
            if let Some(x1) = last_x1 {
                out.push(if s.x0 - x1 > TAB_GAP_EM * s.size {
                    '\t'
                } else {
                    ' '
                });
            }
            out.push_str(&s.text);
            last_x1 = Some(s.x1);
        }
        prev = Some((y, size));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn word(out: &mut Vec<Placed>, text: &str, x: f64, y: f64, size: f64, spacing: f64) {
        let mut x = x;
        for c in text.chars() {
            let w = 0.5 * size;
            if c == ' ' {
                out.push(Placed {
                    x,
                    y,
                    w,
                    size,
                    text: String::new(),
                    space: true,
                    turn: 0,
                });
            } else {
                out.push(Placed {
                    x,
                    y,
                    w,
                    size,
                    text: c.to_string(),
                    space: false,
                    turn: 0,
                });
            }
            x += w + spacing;
        }
    }

    #[test]
    fn letter_spaced_heading_reads_as_words() {
        let mut g = Vec::new();
        // 10pt glyphs 3pt apart, words 3 + 5 + 3 apart (no space glyph drawn)
        word(&mut g, "WORK", 0.0, 100.0, 10.0, 3.0);
        word(&mut g, "HISTORY", 4.0 * 8.0 + 8.0, 100.0, 10.0, 3.0);
        assert_eq!(page_text(g).text, "WORK HISTORY");
    }

    #[test]
    fn gaps_without_space_glyphs_make_words() {
        let mut g = Vec::new();
        word(&mut g, "Hello", 0.0, 100.0, 10.0, 0.0);
        word(&mut g, "world", 25.0 + 3.3, 100.0, 10.0, 0.0);
        assert_eq!(page_text(g).text, "Hello world");
    }

    #[test]
    fn bottom_to_top_drawing_reads_top_to_bottom() {
        let mut g = Vec::new();
        word(&mut g, "second", 0.0, 88.0, 10.0, 0.0);
        word(&mut g, "first", 0.0, 100.0, 10.0, 0.0);
        assert_eq!(page_text(g).text, "first\nsecond");
    }

    #[test]
    fn right_aligned_date_is_tab_separated_on_its_line() {
        let mut g = Vec::new();
        word(&mut g, "Engineer", 0.0, 100.0, 10.0, 0.0);
        word(&mut g, "2019 - 2021", 300.0, 100.0, 10.0, 0.0);
        word(&mut g, "Acme", 0.0, 88.0, 10.0, 0.0);
        assert_eq!(page_text(g).text, "Engineer\t2019 - 2021\nAcme");
    }

    #[test]
    fn two_columns_read_column_by_column() {
        let mut g = Vec::new();
        // left column lines at 12pt pitch, right at 14pt pitch, right drawn first
        for i in 0..8 {
            word(
                &mut g,
                &format!("right{i}"),
                200.0,
                500.0 - 14.0 * i as f64,
                10.0,
                0.0,
            );
        }
        for i in 0..8 {
            word(
                &mut g,
                &format!("left{i}"),
                0.0,
                501.0 - 12.0 * i as f64,
                9.0,
                0.0,
            );
        }
        let page = page_text(g);
        assert!(page.columns);
        let words: Vec<&str> = page.text.split_whitespace().collect();
        let expected: Vec<String> = (0..8)
            .map(|i| format!("left{i}"))
            .chain((0..8).map(|i| format!("right{i}")))
            .collect();
        assert_eq!(words, expected);
    }

    #[test]
    fn dates_column_aligned_with_entries_reads_row_by_row() {
        let mut g = Vec::new();
        for i in 0..5 {
            let y = 500.0 - 40.0 * i as f64;
            word(&mut g, &format!("20{i}0"), 0.0, y, 10.0, 0.0);
            word(&mut g, &format!("title{i}"), 100.0, y, 10.0, 0.0);
            word(&mut g, &format!("detail{i}"), 100.0, y - 12.0, 10.0, 0.0);
        }
        let page = page_text(g);
        assert!(!page.columns);
        assert!(
            page.text
                .starts_with("2000\ttitle0\ndetail0\n\n2010\ttitle1"),
            "{}",
            page.text
        );
    }
}
