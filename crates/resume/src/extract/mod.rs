//! PDF bytes → text in reading order, for resumes.
//!
//! lopdf parses the file (xref tables and streams, object streams, filters, encryption with
//! an empty user password, ToUnicode CMaps); `content` runs each page's content streams to
//! place every glyph, `font` turns codes into text and widths, and `layout` orders the
//! glyphs by position into lines, words and columns.

mod cmap;
mod content;
mod font;
mod glyphs;
mod layout;
mod std14;

use std::fmt;

use lopdf::{Dictionary, Document, LoadOptions, Object};

use content::{Budget, FontCache, Interpreter, IDENTITY};

/// Limits on what one extraction may read and do. The defaults fit the edge runtime: a
/// 10 MB upload and well under its 2 s CPU budget.
#[derive(Clone, Debug)]
pub struct ExtractOptions {
    /// Larger inputs are refused with [`ExtractError::TooLarge`].
    pub max_bytes: usize,
    /// Pages after this many are not read (a resume has a few).
    pub max_pages: usize,
    /// Glyphs after this many are not placed.
    pub max_glyphs: usize,
    /// Decompressed size of any one stream (a page's content, a form, a font map);
    /// a bigger stream is refused as [`ExtractError::TooLarge`] rather than inflated.
    pub max_stream_bytes: usize,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            max_bytes: 10 << 20,
            max_pages: 30,
            max_glyphs: 250_000,
            max_stream_bytes: 32 << 20,
        }
    }
}

/// How reading order was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Glyphs ordered by position; every page read as a single flow.
    Layout,
    /// Glyphs ordered by position; at least one page split into columns.
    LayoutColumns,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Layout => "layout",
            Strategy::LayoutColumns => "layout-columns",
        }
    }
}

/// Counters for logs and for deciding whether OCR would do better.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExtractStats {
    /// Glyphs placed with text.
    pub glyphs: usize,
    /// Glyphs whose font gave no Unicode (their text is lost).
    pub unmapped_glyphs: usize,
    /// Fonts with neither a ToUnicode map nor a usable encoding.
    pub fonts_without_unicode: usize,
    /// Images drawn (an image-only page has images and no glyphs).
    pub images: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Extracted {
    /// The text in reading order: lines separated by `\n`, a blank line between blocks
    /// (paragraphs, columns, pages), `\t` between parts of a line that stand far apart
    /// (a right-aligned date).
    pub text: String,
    /// Pages in the document.
    pub page_count: usize,
    /// Pages read (at most [`ExtractOptions::max_pages`]).
    pub pages_read: usize,
    pub strategy: Strategy,
    pub stats: ExtractStats,
}

/// Why a file gave no text. Each is the client's file, not our failure: all are 4xx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtractError {
    /// The bytes are not a PDF (no `%PDF-` header).
    NotPdf,
    /// The PDF needs a password to open.
    Encrypted,
    /// A PDF that cannot be parsed (truncated, damaged, no pages).
    Corrupt(String),
    /// Pages but no extractable text: scanned or image-only (OCR could read it).
    NoTextLayer { pages: usize, images: usize },
    /// Over a size limit: the file, or a stream that would inflate past the limit.
    TooLarge { limit: usize },
}

impl ExtractError {
    /// The HTTP status a function should answer with.
    pub fn status(&self) -> u16 {
        match self {
            ExtractError::TooLarge { .. } => 413,
            ExtractError::NotPdf
            | ExtractError::Encrypted
            | ExtractError::Corrupt(_)
            | ExtractError::NoTextLayer { .. } => 422,
        }
    }

    /// The stable error code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            ExtractError::NotPdf => "not_pdf",
            ExtractError::Encrypted => "encrypted_pdf",
            ExtractError::Corrupt(_) => "corrupt_pdf",
            ExtractError::NoTextLayer { .. } => "no_text_layer",
            ExtractError::TooLarge { .. } => "payload_too_large",
        }
    }
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::NotPdf => f.write_str("the file is not a PDF"),
            ExtractError::Encrypted => f.write_str("the PDF is password-protected"),
            ExtractError::Corrupt(why) => write!(f, "the PDF could not be read: {why}"),
            ExtractError::NoTextLayer { pages, .. } => {
                write!(
                    f,
                    "the PDF has {pages} page(s) but no text layer (scanned or image-only)"
                )
            }
            ExtractError::TooLarge { limit } => write!(f, "the PDF is over the {limit}-byte limit"),
        }
    }
}

impl std::error::Error for ExtractError {}

/// Fewer letters and digits than this across the document is no text layer: a scan with a
/// page number, or a logo's text.
const MIN_TEXT_CHARS: usize = 20;

/// Extracts the text of a PDF with the default limits.
pub fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    extract_with(bytes, &ExtractOptions::default())
}

pub fn extract_with(bytes: &[u8], options: &ExtractOptions) -> Result<Extracted, ExtractError> {
    if bytes.len() > options.max_bytes {
        return Err(ExtractError::TooLarge {
            limit: options.max_bytes,
        });
    }
    // The header may follow a little junk (the spec allows it within the first 1 KB).
    let head = bytes.get(..bytes.len().min(1024)).unwrap_or(bytes);
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotPdf);
    }
    let load = LoadOptions {
        max_decompressed_size: Some(options.max_stream_bytes),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, load).map_err(|e| load_error(e, options))?;
    // lopdf opens files whose user password is empty; any other password leaves it
    // without a decryption state and without objects.
    if doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none() {
        return Err(ExtractError::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(ExtractError::Corrupt("no pages".into()));
    }

    let mut fonts = FontCache::default();
    let mut glyph_count = 0usize;
    let budget = Budget {
        max_glyphs: options.max_glyphs,
        max_content_bytes: options.max_stream_bytes,
        max_form_depth: 8,
    };
    let mut stats = ExtractStats::default();
    let mut texts: Vec<String> = Vec::new();
    let mut columns = false;
    let mut pages_read = 0;
    for (_, page_id) in pages.iter().take(options.max_pages) {
        pages_read += 1;
        let content = match doc.get_page_content_with_limit(*page_id, options.max_stream_bytes) {
            Ok(c) => c,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                return Err(ExtractError::TooLarge {
                    limit: options.max_stream_bytes,
                })
            }
            Err(_) => continue,
        };
        let resources = page_resources(&doc, *page_id);
        let mut interp = Interpreter::new(&doc, &mut fonts, budget, &mut glyph_count);
        interp.run(&content, &resources, IDENTITY, 0);
        let mut page = interp.finish();
        stats.images += page.images;
        stats.unmapped_glyphs += page.unmapped;
        if let Some(area) = page_area(&doc, *page_id) {
            // Text placed off the page (keyword stuffing, leftovers) is not what a reader sees.
            page.glyphs
                .retain(|g| g.turn != 0 || area.contains(g.x, g.y));
        }
        stats.glyphs += page.glyphs.iter().filter(|g| !g.space).count();
        let laid = layout::page_text(page.glyphs);
        columns |= laid.columns;
        texts.push(laid.text);
    }
    stats.fonts_without_unicode = fonts.without_unicode;

    let text = texts
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if text.chars().filter(|c| c.is_alphanumeric()).count() < MIN_TEXT_CHARS {
        return Err(ExtractError::NoTextLayer {
            pages: pages.len(),
            images: stats.images,
        });
    }
    Ok(Extracted {
        text,
        page_count: pages.len(),
        pages_read,
        strategy: if columns {
            Strategy::LayoutColumns
        } else {
            Strategy::Layout
        },
        stats,
    })
}

fn load_error(e: lopdf::Error, options: &ExtractOptions) -> ExtractError {
    match e {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::AlreadyEncrypted => ExtractError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            ExtractError::TooLarge {
                limit: options.max_stream_bytes,
            }
        }
        other => ExtractError::Corrupt(other.to_string()),
    }
}

/// The page's resource dictionaries, nearest first (a page inherits from its tree).
fn page_resources(doc: &Document, page: lopdf::ObjectId) -> Vec<&Dictionary> {
    let Ok((own, ids)) = doc.get_page_resources(page) else {
        return Vec::new();
    };
    let mut chain: Vec<&Dictionary> = own.into_iter().collect();
    chain.extend(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()));
    chain
}

struct Area {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Area {
    fn contains(&self, x: f64, y: f64) -> bool {
        // A margin: glyph origins sit on the box edge in tight layouts.
        let m = 0.02 * (self.x1 - self.x0).max(self.y1 - self.y0);
        x >= self.x0 - m && x <= self.x1 + m && y >= self.y0 - m && y <= self.y1 + m
    }
}

/// The page's crop box (or media box), looked up through the page tree.
fn page_area(doc: &Document, page: lopdf::ObjectId) -> Option<Area> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..32 {
        for key in [&b"CropBox"[..], b"MediaBox"] {
            let bx = node.get(key).ok().map(|o| match o {
                Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
                _ => o,
            });
            if let Some(Object::Array(a)) = bx {
                let v: Vec<f64> = a
                    .iter()
                    .filter_map(|o| match o {
                        Object::Integer(i) => Some(*i as f64),
                        Object::Real(r) => Some(f64::from(*r)),
                        _ => None,
                    })
                    .collect();
                if let [x0, y0, x1, y1] = v[..] {
                    return Some(Area {
                        x0: x0.min(x1),
                        y0: y0.min(y1),
                        x1: x0.max(x1),
                        y1: y0.max(y1),
                    });
                }
            }
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn not_pdf_and_too_large_are_refused_before_parsing() {
        assert_eq!(
            extract(b"hello, I am a resume").unwrap_err(),
            ExtractError::NotPdf
        );
        let small = ExtractOptions {
            max_bytes: 10,
            ..ExtractOptions::default()
        };
        assert_eq!(
            extract_with(b"%PDF-1.7 and more", &small).unwrap_err(),
            ExtractError::TooLarge { limit: 10 }
        );
    }

    #[test]
    fn truncated_pdf_is_corrupt() {
        let err = extract(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog").unwrap_err();
        assert_eq!(err.code(), "corrupt_pdf");
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn statuses_and_codes() {
        assert_eq!(
            ExtractError::NoTextLayer {
                pages: 1,
                images: 1
            }
            .code(),
            "no_text_layer"
        );
        assert_eq!(ExtractError::TooLarge { limit: 1 }.status(), 413);
        assert_eq!(ExtractError::Encrypted.status(), 422);
    }
}
