//! Runs a page's content streams (and the Form XObjects they draw) far enough to know
//! where every glyph lands: the graphics and text state operators, the four text-showing
//! operators with TJ kerning, and `Do`. Paths, colours and images are skipped; images are
//! only counted, to tell an image-only page from an empty one.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Font, UnicodeSource};
use super::glyphs;

/// An affine matrix `[a b c d e f]`, PDF's row-vector convention.
pub(crate) type Matrix = [f64; 6];

pub(crate) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`: the product m × n.
pub(crate) fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// One glyph placed on the page, in a frame where its line runs left to right.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    pub(crate) x: f64,
    /// Baseline.
    pub(crate) y: f64,
    /// Advance width in user space.
    pub(crate) w: f64,
    /// Font size in user space (the height of an em).
    pub(crate) size: f64,
    pub(crate) text: String,
    /// A space glyph: a word break, not text.
    pub(crate) space: bool,
    /// Quarter turns of the text direction (0 = upright).
    pub(crate) turn: u8,
}

/// What one page gave.
#[derive(Default)]
pub(crate) struct PageGlyphs {
    pub(crate) glyphs: Vec<Placed>,
    pub(crate) images: usize,
    /// Glyphs whose font gave no Unicode for them.
    pub(crate) unmapped: usize,
}

/// Limits that keep a hostile or huge file within the CPU budget.
#[derive(Clone, Copy)]
pub(crate) struct Budget {
    pub(crate) max_glyphs: usize,
    pub(crate) max_content_bytes: usize,
    pub(crate) max_form_depth: u8,
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for State {
    fn default() -> Self {
        State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Fonts are parsed once per document, keyed by object id.
#[derive(Default)]
pub(crate) struct FontCache {
    fonts: HashMap<ObjectId, Rc<Font>>,
    pub(crate) without_unicode: usize,
}

pub(crate) struct Interpreter<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    budget: Budget,
    page: PageGlyphs,
    glyph_count: &'a mut usize,
    /// Form XObjects being drawn, to refuse a form that draws itself.
    form_stack: Vec<ObjectId>,
}

fn num(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => 0.0,
    }
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f64; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(ops) {
        *slot = match o {
            Object::Integer(i) => *i as f64,
            Object::Real(r) => f64::from(*r),
            _ => return None,
        };
    }
    Some(out)
}

fn deref<'d>(doc: &'d Document, o: &'d Object) -> &'d Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// A resource category (`/Font`, `/XObject`) looked up through a chain of resource
/// dictionaries, nearest first.
fn resource<'d>(
    doc: &'d Document,
    resources: &[&'d Dictionary],
    category: &[u8],
    name: &[u8],
) -> Option<&'d Object> {
    resources.iter().find_map(|res| {
        let cat = deref(doc, res.get(category).ok()?).as_dict().ok()?;
        cat.get(name).ok()
    })
}

impl<'a> Interpreter<'a> {
    pub(crate) fn new(
        doc: &'a Document,
        fonts: &'a mut FontCache,
        budget: Budget,
        glyph_count: &'a mut usize,
    ) -> Self {
        Interpreter {
            doc,
            fonts,
            budget,
            page: PageGlyphs::default(),
            glyph_count,
            form_stack: Vec::new(),
        }
    }

    pub(crate) fn finish(self) -> PageGlyphs {
        self.page
    }

    pub(crate) fn run(
        &mut self,
        content: &[u8],
        resources: &[&'a Dictionary],
        ctm: Matrix,
        depth: u8,
    ) {
        let mut stack: Vec<State> = Vec::new();
        let mut gs = State {
            ctm,
            ..State::default()
        };
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in Content::decode_iter(content) {
            // A syntax error ends the stream: keep what came before it.
            let Ok(op) = op else { break };
            if *self.glyph_count >= self.budget.max_glyphs {
                break;
            }
            let operands = op.operands.as_slice();
            match op.operator.as_str() {
                "q" => {
                    if stack.len() < 64 {
                        stack.push(gs.clone());
                    }
                }
                "Q" => {
                    if let Some(prev) = stack.pop() {
                        gs = prev;
                    }
                }
                "cm" => {
                    if let Some(m) = nums::<6>(operands) {
                        gs.ctm = mul(&m, &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tc" => gs.char_spacing = operands.first().map(num).unwrap_or(0.0),
                "Tw" => gs.word_spacing = operands.first().map(num).unwrap_or(0.0),
                "Tz" => gs.h_scale = operands.first().map(num).unwrap_or(100.0) / 100.0,
                "TL" => gs.leading = operands.first().map(num).unwrap_or(0.0),
                "Ts" => gs.rise = operands.first().map(num).unwrap_or(0.0),
                "Tf" => {
                    if let [Object::Name(name), size] = operands {
                        gs.font = self.font(resources, name);
                        gs.size = num(size);
                    }
                }
                "Td" | "TD" => {
                    if let Some([tx, ty]) = nums::<2>(operands) {
                        if op.operator == "TD" {
                            gs.leading = -ty;
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(operands) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = operands.first() {
                        self.show(&gs, &mut tm, s);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        if let Some([aw, ac]) = nums::<2>(operands) {
                            gs.word_spacing = aw;
                            gs.char_spacing = ac;
                        }
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = operands.last() {
                        self.show(&gs, &mut tm, s);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(&gs, &mut tm, s),
                                Object::Integer(_) | Object::Real(_) => {
                                    let tx = -num(item) / 1000.0 * gs.size * gs.h_scale;
                                    tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.draw_xobject(resources, name, &gs, depth);
                    }
                }
                "BI" | "EI" => self.page.images += 1,
                _ => {}
            }
        }
    }

    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font>> {
        let entry = resource(self.doc, resources, b"Font", name)?;
        match entry {
            Object::Reference(id) => {
                if let Some(f) = self.fonts.fonts.get(id) {
                    return Some(Rc::clone(f));
                }
                let dict = self.doc.get_dictionary(*id).ok()?;
                let font = Rc::new(Font::load(self.doc, dict));
                if font.unicode_source == UnicodeSource::None {
                    self.fonts.without_unicode += 1;
                }
                self.fonts.fonts.insert(*id, Rc::clone(&font));
                Some(font)
            }
            Object::Dictionary(dict) => Some(Rc::new(Font::load(self.doc, dict))),
            _ => None,
        }
    }

    fn show(&mut self, gs: &State, tm: &mut Matrix, bytes: &[u8]) {
        let Some(font) = gs.font.clone() else { return };
        let fs = gs.size;
        for glyph in font.glyphs(bytes) {
            let m = mul(tm, &gs.ctm);
            let trm = mul(&[fs * gs.h_scale, 0.0, 0.0, fs, 0.0, gs.rise], &m);
            let advance_scale = (m[0] * m[0] + m[1] * m[1]).sqrt();
            let size = fs.abs() * (m[2] * m[2] + m[3] * m[3]).sqrt();
            let w = glyph.width * fs.abs() * gs.h_scale * advance_scale;
            match glyph.text() {
                Some(text) if !text.is_empty() => {
                    *self.glyph_count += 1;
                    let space = text.chars().all(char::is_whitespace);
                    let (turn, x, y) = orient(&m, trm[4], trm[5]);
                    let mut normalized = String::with_capacity(text.len());
                    glyphs::push_normalized(&mut normalized, text);
                    self.page.glyphs.push(Placed {
                        x,
                        y,
                        w,
                        size,
                        text: normalized,
                        space,
                        turn,
                    });
                }
                _ if glyph.is_space_code => {
                    let (turn, x, y) = orient(&m, trm[4], trm[5]);
                    self.page.glyphs.push(Placed {
                        x,
                        y,
                        w,
                        size,
                        text: String::new(),
                        space: true,
                        turn,
                    });
                }
                _ => self.page.unmapped += 1,
            }
            let mut tx = glyph.width * fs + gs.char_spacing;
            if glyph.is_space_code {
                tx += gs.word_spacing;
            }
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx * gs.h_scale, 0.0], tm);
        }
    }

    fn draw_xobject(&mut self, resources: &[&'a Dictionary], name: &[u8], gs: &State, depth: u8) {
        let Some(Object::Reference(id)) = resource(self.doc, resources, b"XObject", name) else {
            return;
        };
        let Ok(stream) = self.doc.get_object(*id).and_then(Object::as_stream) else {
            return;
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.page.images += 1,
            Ok(b"Form") => {
                if depth >= self.budget.max_form_depth || self.form_stack.contains(id) {
                    return;
                }
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| m.as_array().ok())
                    .and_then(|a| nums::<6>(a))
                    .unwrap_or(IDENTITY);
                let Ok(content) = stream
                    .decompressed_content_with_limit(self.budget.max_content_bytes)
                    .or_else(|_| {
                        if stream.dict.has(b"Filter") {
                            Err(())
                        } else {
                            Ok(stream.content.clone())
                        }
                    })
                else {
                    return;
                };
                let own = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .map(|r| deref(self.doc, r))
                    .and_then(|r| r.as_dict().ok());
                let mut chain: Vec<&'a Dictionary> = Vec::with_capacity(resources.len() + 1);
                if let Some(own) = own {
                    chain.push(own);
                }
                chain.extend_from_slice(resources);
                self.form_stack.push(*id);
                self.run(&content, &chain, mul(&matrix, &gs.ctm), depth + 1);
                self.form_stack.pop();
            }
            _ => {}
        }
    }
}

/// The glyph's position in a frame turned so that its text runs left to right, and the
/// number of quarter turns that took.
fn orient(m: &Matrix, x: f64, y: f64) -> (u8, f64, f64) {
    let (a, b) = (m[0], m[1]);
    if a.abs() >= b.abs() {
        if a >= 0.0 {
            (0, x, y)
        } else {
            (2, -x, -y)
        }
    } else if b > 0.0 {
        (1, y, -x)
    } else {
        (3, -y, x)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn matrix_product_is_row_vector_convention() {
        let translate = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        // translate then scale: the offset is scaled too
        assert_eq!(mul(&translate, &scale), [2.0, 0.0, 0.0, 2.0, 20.0, 40.0]);
        assert_eq!(mul(&scale, &translate), [2.0, 0.0, 0.0, 2.0, 10.0, 20.0]);
    }

    #[test]
    fn rotated_text_is_turned_upright() {
        // 90° counter-clockwise text: runs up the page
        let m = [0.0, 1.0, -1.0, 0.0, 0.0, 0.0];
        assert_eq!(orient(&m, 100.0, 200.0), (1, 200.0, -100.0));
        assert_eq!(orient(&IDENTITY, 1.0, 2.0), (0, 1.0, 2.0));
    }
}
