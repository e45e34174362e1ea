//! A small pretty-printer for generated statements, after Wadler's "prettier printer"
//! and the JavaScript formatter prettier: documents of text, line breaks that are a
//! space (or nothing) when their group fits in the line, groups, indentation, and
//! alternatives tried in order (how prettier "hugs" a last object or function
//! argument: `check(res, {` ... `});`).
//!
//! Its layout decisions follow prettier's defaults (80 columns, 2 spaces, trailing
//! commas where the line breaks), so generated code survives `prettier --check`.
//!
//! A document is laid out into genco [`Tokens`] ([`Doc::write`]): the names it
//! imports as [`Import`] items (which the file's import registry collects), and the
//! text between them as literals whose line breaks carry the indentation genco
//! gives the document's first line. genco itself arranges what surrounds a
//! statement (function bodies, sections, files); it cannot lay out the statement:
//! whether prettier breaks a call depends on the width of its first line, and
//! genco has neither a measure of width nor groups that break together.

use std::borrow::Cow;
use std::rc::Rc;

use super::js::{display_width, string_literal, write_template, TemplatePart, INDENT, LINE_WIDTH};
use super::lang::{Import, Tokens};

/// A document to lay out.
#[derive(Debug, Clone)]
pub enum Doc {
    /// Text without line breaks: borrowed when it is fixed code (`");"`), so that
    /// the many small pieces of a statement cost no allocation.
    Text(Cow<'static, str>),
    /// A name imported from another module, written as the name.
    Import(Import),
    /// A space when flat, a line break when broken.
    Line,
    /// Nothing when flat, a line break when broken.
    SoftLine,
    /// Always a line break; breaks every enclosing group.
    HardLine,
    /// Text only when the enclosing group is broken (a trailing comma).
    IfBreak(&'static str),
    /// Content indented one level more after its line breaks.
    Indent(Vec<Doc>),
    /// Content laid out flat when it fits, else broken.
    Group {
        /// The content, shared by copies: [`call`] offers the same arguments in
        /// several layouts, and copying them at every level of nesting (a group in
        /// a group) made building exponential in the depth.
        docs: Rc<[Doc]>,
        /// Broken whatever the width (a hard line inside, or an object written
        /// expanded on purpose).
        broken: bool,
    },
    /// Layouts tried in order: the first whose first line fits is used, else the last.
    Alternatives(Vec<Doc>),
    /// Content in sequence.
    Concat(Vec<Doc>),
}

impl Doc {
    /// Text.
    pub fn text(text: impl Into<Cow<'static, str>>) -> Doc {
        Doc::Text(text.into())
    }

    /// A group, broken if anything inside must break.
    pub fn group(docs: Vec<Doc>) -> Doc {
        let broken = docs.iter().any(Doc::forces_break);
        Doc::Group {
            docs: docs.into(),
            broken,
        }
    }

    /// A group that is always broken.
    pub fn broken_group(docs: Vec<Doc>) -> Doc {
        Doc::Group {
            docs: docs.into(),
            broken: true,
        }
    }

    /// Whether this document can only be laid out broken.
    pub fn forces_break(&self) -> bool {
        match self {
            Doc::HardLine => true,
            Doc::Group { broken, .. } => *broken,
            Doc::Indent(docs) | Doc::Concat(docs) => docs.iter().any(Doc::forces_break),
            // An alternative's own layouts decide; breaks inside do not propagate out.
            Doc::Alternatives(_) => false,
            Doc::Text(_) | Doc::Import(_) | Doc::Line | Doc::SoftLine | Doc::IfBreak(_) => false,
        }
    }

    /// Lays the document out as text, starting at column 0 with no indentation.
    pub fn render(&self) -> String {
        let mut printer = Printer {
            sink: Text::default(),
            column: 0,
            base: 0,
        };
        printer.print(self);
        printer.sink.0
    }

    /// Lays the document out into `tokens`, at the start of a line that genco
    /// indents `indent` columns: its own line breaks are indented from there.
    pub fn write(&self, tokens: &mut Tokens, indent: usize) {
        let mut printer = Printer {
            sink: Genco {
                tokens,
                buffer: String::new(),
                base: indent,
            },
            column: indent,
            base: indent,
        };
        printer.print(self);
        printer.sink.flush();
    }
}

/// Where the printer writes.
trait Sink {
    /// Text without line breaks.
    fn text(&mut self, text: &str);
    /// An imported name.
    fn import(&mut self, import: &Import);
    /// A line break, then `indent` columns of indentation (beyond genco's own).
    fn line_break(&mut self, indent: usize);
}

/// Into a string.
#[derive(Default)]
struct Text(String);

impl Sink for Text {
    fn text(&mut self, text: &str) {
        self.0.push_str(text);
    }

    fn import(&mut self, import: &Import) {
        self.0.push_str(import.name());
    }

    fn line_break(&mut self, indent: usize) {
        // No trailing spaces on broken lines.
        while self.0.ends_with(' ') {
            self.0.pop();
        }
        self.0.push('\n');
        self.0.push_str(&" ".repeat(indent));
    }
}

/// Into genco tokens: the text between two imported names is one literal, its
/// line breaks written with the indentation genco gives the document's first line
/// (`base`) plus the document's own. One literal per statement rather than per line
/// keeps a file's tokens few: laying out 1,000 scenarios otherwise held twice as
/// many small allocations alive, and was measurably slower for it.
struct Genco<'t> {
    tokens: &'t mut Tokens,
    buffer: String,
    base: usize,
}

impl Genco<'_> {
    fn flush(&mut self) {
        if !self.buffer.is_empty() {
            // Copied at its length; the buffer keeps its capacity for the next run.
            self.tokens.append(self.buffer.as_str());
            self.buffer.clear();
        }
    }
}

impl Sink for Genco<'_> {
    fn text(&mut self, text: &str) {
        self.buffer.push_str(text);
    }

    fn import(&mut self, import: &Import) {
        self.flush();
        self.tokens.append(import.clone());
    }

    fn line_break(&mut self, indent: usize) {
        // No trailing spaces on broken lines.
        let kept = self.buffer.trim_end_matches(' ').len();
        self.buffer.truncate(kept);
        self.buffer.push('\n');
        self.buffer
            .extend(std::iter::repeat_n(' ', self.base + indent));
    }
}

impl From<&'static str> for Doc {
    fn from(text: &'static str) -> Doc {
        Doc::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Doc {
    fn from(text: String) -> Doc {
        Doc::Text(Cow::Owned(text))
    }
}

impl From<Import> for Doc {
    fn from(import: Import) -> Doc {
        Doc::Import(import)
    }
}

/// Pieces in sequence, each text, an [`Import`] or a document:
/// `cat![metric, ".add(", value, ");"]`.
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {
        $crate::codegen::doc::Doc::Concat(vec![$($crate::codegen::doc::Doc::from($piece)),*])
    };
}
pub(crate) use cat;

/// A template literal of text and expressions: a string literal when all is text.
/// Escaped by [`write_template`] as a whole, as [`super::js::template_literal`] is.
pub fn template(parts: Vec<TemplatePart<Doc>>) -> Doc {
    if parts.iter().all(|p| matches!(p, TemplatePart::Text(_))) {
        let text: String = parts
            .into_iter()
            .map(|p| match p {
                TemplatePart::Text(s) => s,
                TemplatePart::Expr(_) => String::new(),
            })
            .collect();
        return Doc::text(string_literal(&text));
    }
    let mut docs = Vec::with_capacity(parts.len() * 2 + 1);
    write_template(parts, |piece| match piece {
        TemplatePart::Text(text) => docs.push(Doc::text(text.to_owned())),
        TemplatePart::Expr(doc) => docs.push(doc),
    });
    Doc::Concat(docs)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Flat,
    Break,
}

struct Printer<S> {
    sink: S,
    /// The column the next text starts at.
    column: usize,
    /// The indentation the document starts at, which its line breaks add to.
    base: usize,
}

type Command<'a> = (usize, Mode, &'a Doc);

impl<S: Sink> Printer<S> {
    fn print(&mut self, doc: &Doc) {
        let mut stack: Vec<Command<'_>> = vec![(0, Mode::Break, doc)];
        while let Some((indent, mode, doc)) = stack.pop() {
            match doc {
                Doc::Text(text) => {
                    self.sink.text(text);
                    self.column += display_width(text);
                }
                Doc::Import(import) => {
                    self.sink.import(import);
                    self.column += display_width(import.name());
                }
                Doc::Line | Doc::SoftLine if mode == Mode::Flat => {
                    if matches!(doc, Doc::Line) {
                        self.sink.text(" ");
                        self.column += 1;
                    }
                }
                Doc::Line | Doc::SoftLine | Doc::HardLine => {
                    self.sink.line_break(indent);
                    self.column = self.base + indent;
                }
                Doc::IfBreak(text) => {
                    if mode == Mode::Break {
                        self.sink.text(text);
                        self.column += display_width(text);
                    }
                }
                Doc::Indent(docs) => {
                    for d in docs.iter().rev() {
                        stack.push((indent + INDENT, mode, d));
                    }
                }
                Doc::Concat(docs) => {
                    for d in docs.iter().rev() {
                        stack.push((indent, mode, d));
                    }
                }
                Doc::Group { docs, broken } => {
                    // Inside a flat group everything is flat; otherwise flat only if
                    // the whole group fits on the rest of the line.
                    let flat = !broken
                        && (mode == Mode::Flat || self.fits(&[(indent, Mode::Flat, doc)], &stack));
                    let group_mode = if flat { Mode::Flat } else { Mode::Break };
                    for d in docs.iter().rev() {
                        stack.push((indent, group_mode, d));
                    }
                }
                Doc::Alternatives(options) => {
                    let Some((last, tried)) = options.split_last() else {
                        continue;
                    };
                    let chosen = tried
                        .iter()
                        .find(|option| self.fits(&[(indent, Mode::Flat, option)], &stack))
                        .map(|option| (Mode::Flat, option))
                        .unwrap_or((Mode::Break, last));
                    stack.push((indent, chosen.0, chosen.1));
                }
            }
        }
    }

    /// Whether `next`, followed by the rest of the current line, fits in the width.
    /// Broken groups and hard lines end the measurement at their first line break.
    fn fits(&self, next: &[Command<'_>], rest: &[Command<'_>]) -> bool {
        let mut width = LINE_WIDTH as isize - self.column as isize;
        let mut stack: Vec<(Mode, &Doc)> = next.iter().rev().map(|(_, m, d)| (*m, *d)).collect();
        let mut rest = rest.iter().rev();
        loop {
            let (mode, doc) = match stack.pop() {
                Some(item) => item,
                None => match rest.next() {
                    Some((_, mode, doc)) => (*mode, *doc),
                    None => return true,
                },
            };
            match doc {
                Doc::Text(text) => {
                    width -= display_width(text) as isize;
                    if width < 0 {
                        return false;
                    }
                }
                Doc::Import(import) => {
                    width -= display_width(import.name()) as isize;
                    if width < 0 {
                        return false;
                    }
                }
                Doc::Line if mode == Mode::Flat => {
                    width -= 1;
                    if width < 0 {
                        return false;
                    }
                }
                Doc::SoftLine if mode == Mode::Flat => {}
                Doc::Line | Doc::SoftLine | Doc::HardLine => return true,
                Doc::IfBreak(text) => {
                    if mode == Mode::Break {
                        width -= display_width(text) as isize;
                        if width < 0 {
                            return false;
                        }
                    }
                }
                Doc::Indent(docs) | Doc::Concat(docs) => {
                    stack.extend(docs.iter().rev().map(|d| (mode, d)));
                }
                Doc::Group { docs, broken } => {
                    let mode = if *broken { Mode::Break } else { mode };
                    stack.extend(docs.iter().rev().map(|d| (mode, d)));
                }
                Doc::Alternatives(options) => {
                    if let Some(first) = options.first() {
                        stack.push((mode, first));
                    }
                }
            }
        }
    }
}

/// `items` separated by `,` and a line, with a trailing comma when broken, inside
/// `open` and `close`: the shape of arrays, objects and argument lists.
pub fn delimited(
    open: impl Into<Doc>,
    items: Vec<Doc>,
    close: &'static str,
    line: Doc,
    broken: bool,
) -> Doc {
    let open = open.into();
    if items.is_empty() {
        return cat![open, close];
    }
    let mut inner = vec![line.clone()];
    let count = items.len();
    for (i, item) in items.into_iter().enumerate() {
        inner.push(item);
        if i + 1 < count {
            inner.push(Doc::text(","));
            inner.push(Doc::Line);
        }
    }
    let docs = vec![
        open,
        Doc::Indent(inner),
        Doc::IfBreak(","),
        line,
        Doc::text(close),
    ];
    if broken {
        Doc::broken_group(docs)
    } else {
        Doc::group(docs)
    }
}

/// The same document with its outermost group broken: how prettier prints a hugged
/// last argument (`JSON.stringify({` ... `})`).
fn broken(doc: Doc) -> Doc {
    match doc {
        Doc::Group { docs, .. } => Doc::Group { docs, broken: true },
        Doc::Concat(mut docs) => {
            if let Some(last) = docs.pop() {
                docs.push(broken(last));
            }
            Doc::Concat(docs)
        }
        other => other,
    }
}

/// A call: `callee(args)`, hugging a last object or function argument as prettier
/// does, else breaking all arguments one per line.
pub fn call(callee: impl Into<Doc>, args: Vec<Doc>, hug_last: bool) -> Doc {
    let callee = callee.into();
    if args.is_empty() {
        return cat![callee, "()"];
    }
    let others_break = args[..args.len() - 1].iter().any(Doc::forces_break);
    let any_breaks = others_break || args[args.len() - 1].forces_break();
    let hugged = (hug_last && !others_break).then(|| {
        let mut hugged = vec![cat![callee.clone(), "("]];
        let (last, init) = args.split_last().expect("not empty");
        for arg in init {
            hugged.push(arg.clone());
            hugged.push(Doc::text(", "));
        }
        hugged.push(broken(last.clone()));
        hugged.push(Doc::text(")"));
        Doc::Concat(hugged)
    });
    // The flat and the all-broken layouts share their content: only the
    // group's flag differs.
    let flat = delimited(cat![callee, "("], args, ")", Doc::SoftLine, false);
    let all_broken = broken(flat.clone());
    match hugged {
        Some(hugged) if any_breaks => Doc::Alternatives(vec![hugged, all_broken]),
        Some(hugged) => Doc::Alternatives(vec![flat, hugged, all_broken]),
        None if others_break => all_broken,
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(entries: &[(&str, &str)], broken: bool) -> Doc {
        let items = entries
            .iter()
            .map(|(k, v)| Doc::text(format!("{k}: {v}")))
            .collect();
        delimited("{", items, "}", Doc::Line, broken)
    }

    #[test]
    fn flat_when_it_fits() {
        let doc = call(
            "http.get",
            vec![Doc::text("url"), object(&[("a", "1")], false)],
            true,
        );
        assert_eq!(doc.render(), "http.get(url, { a: 1 })");
    }

    #[test]
    fn hugs_a_last_object() {
        let doc = call(
            "check(res",
            vec![object(
                &[("\"status is 200\"", "(r) => r.status === 200")],
                true,
            )],
            true,
        );
        let doc = Doc::Concat(vec![doc, Doc::text(";")]);
        assert_eq!(
            doc.render(),
            "check(res({\n  \"status is 200\": (r) => r.status === 200,\n});"
        );
    }

    #[test]
    fn breaks_every_argument_when_the_first_line_is_too_long() {
        let long = "x".repeat(70);
        let doc = call(
            "http.post",
            vec![
                Doc::text(format!("`{long}`")),
                Doc::text("body"),
                object(&[("a", "1")], true),
            ],
            true,
        );
        let text = doc.render();
        assert!(text.starts_with("http.post(\n  `xxx"), "{text}");
        assert!(text.ends_with("  {\n    a: 1,\n  },\n)"), "{text}");
    }

    #[test]
    fn writes_into_genco_tokens_indented_from_where_genco_is() {
        use crate::codegen::lang::{render, Config};
        let http = Import::package_default("k6/http", "http");
        let url = format!("\"{}\"", "x".repeat(70));
        let params = delimited("{", vec![Doc::text("a: 1")], "}", Doc::Line, true);
        let statement = cat![
            call(
                cat![http, ".get"],
                vec![Doc::text(url.clone()), params],
                true
            ),
            ";",
        ];
        let mut tokens = Tokens::new();
        tokens.append("export default function () {");
        tokens.indent();
        statement.write(&mut tokens, INDENT);
        tokens.unindent();
        tokens.append("}");
        assert_eq!(
            render(&tokens, &Config::default()),
            format!(
                "import http from \"k6/http\";\n\n\
                 export default function () {{\n  http.get(\n    {url},\n    {{\n      a: 1,\n    }},\n  );\n}}\n"
            )
        );
    }

    /// Groups nested 25 deep (`group("g", function () { group(...) })`): every
    /// level used to copy its content for each layout `call` offers, 3^depth
    /// copies in all, so this never finished.
    #[test]
    fn deep_nesting_is_laid_out_without_copying_per_level() {
        let depth = 25;
        let mut doc = Doc::text("x();");
        for _ in 0..depth {
            let body = Doc::broken_group(vec![
                Doc::text("function () {"),
                Doc::Indent(vec![Doc::HardLine, doc]),
                Doc::HardLine,
                Doc::text("}"),
            ]);
            doc = Doc::Concat(vec![
                call("group", vec![Doc::text("\"g\""), body], true),
                Doc::text(";"),
            ]);
        }
        let mut expected = String::new();
        for level in 0..depth {
            expected.push_str(&format!(
                "{}group(\"g\", function () {{\n",
                "  ".repeat(level)
            ));
        }
        expected.push_str(&format!("{}x();", "  ".repeat(depth)));
        for level in (0..depth).rev() {
            expected.push_str(&format!("\n{}}});", "  ".repeat(level)));
        }
        assert_eq!(doc.render(), expected);
    }
}
