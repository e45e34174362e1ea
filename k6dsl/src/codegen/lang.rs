//! The genco language of generated k6 code: [`Tokens`] carry every generated
//! module, and the names a module takes from elsewhere ride in them as [`Import`]
//! items, written where they are used. Writing a file collects them into one
//! registry ([`Imports`]) and prints its import lines first, as prettier writes
//! them.
//!
//! genco's own JavaScript language cannot write these lines: it prints
//! `import {check, group} from "k6";` where prettier writes `import { check,
//! group } from "k6";`, has no `import type`, never breaks a long import over
//! lines, and its items do not say their module or name, so they cannot be read
//! back. This language is genco's, with an import item that k6dsl can read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::rc::Rc;

use genco::fmt;

use super::doc::{delimited, Doc};
use super::js::{display_width, string_literal, INDENT, LINE_WIDTH};

/// A generated module's tokens.
pub type Tokens = genco::Tokens<K6>;

/// Where an imported name comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A module k6 provides (`"k6"`, `"k6/http"`): imported by its name.
    Package(&'static str),
    /// A module of the generated project, by its path from the project root
    /// (`scripts/lib/config.js`): imported by a relative specifier, and not at all
    /// from a single script, which declares everything itself.
    Local(Rc<str>),
}

/// How a name is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    /// `import http from "k6/http";`
    Default,
    /// `import { check } from "k6";`
    Named,
    /// `import type { JSONValue } from "k6";` (TypeScript).
    Type,
}

/// A name a module uses from another one; written as the name itself. A pointer:
/// documents are cloned while they are laid out, and a document's nodes stay small.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Import(Rc<Imported>);

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Imported {
    source: Source,
    kind: Kind,
    name: Box<str>,
}

impl Import {
    fn new(source: Source, kind: Kind, name: impl Into<Box<str>>) -> Import {
        Import(Rc::new(Imported {
            source,
            kind,
            name: name.into(),
        }))
    }

    /// `import { name } from "package";`
    pub fn package(package: &'static str, name: impl Into<Box<str>>) -> Import {
        Import::new(Source::Package(package), Kind::Named, name)
    }

    /// `import name from "package";`
    pub fn package_default(package: &'static str, name: &'static str) -> Import {
        Import::new(Source::Package(package), Kind::Default, name)
    }

    /// `import type { name } from "package";`
    pub fn package_type(package: &'static str, name: impl Into<Box<str>>) -> Import {
        Import::new(Source::Package(package), Kind::Type, name)
    }

    /// `import { name } from "./path";` for the project module at `path`.
    pub fn local(path: impl Into<Rc<str>>, name: impl Into<Box<str>>) -> Import {
        Import::new(Source::Local(path.into()), Kind::Named, name)
    }

    /// `import type { name } from "./path";` for the project module at `path`.
    pub fn local_type(path: impl Into<Rc<str>>, name: impl Into<Box<str>>) -> Import {
        Import::new(Source::Local(path.into()), Kind::Type, name)
    }

    /// The name as the code writes it.
    pub fn name(&self) -> &str {
        &self.0.name
    }
}

/// How a module is written.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The module's path from the project root (`scripts/main.js`); `None` for a
    /// single script, which imports nothing from [`Source::Local`] modules.
    pub module_path: Option<String>,
    /// A one-line comment above the imports saying what the module is.
    pub title: Option<String>,
}

/// Formatting state (none).
#[derive(Debug, Default)]
pub struct Format;

genco::impl_lang! {
    /// k6's JavaScript and TypeScript, as prettier lays them out.
    pub K6 {
        type Config = Config;
        type Format = Format;
        type Item = Any;

        fn default_indentation() -> fmt::Indentation {
            fmt::Indentation::Space(INDENT)
        }

        fn format_file(
            tokens: &Tokens,
            out: &mut fmt::Formatter<'_>,
            config: &Self::Config,
        ) -> fmt::Result {
            let mut header = Tokens::new();
            if let Some(title) = &config.title {
                header.append(format!("// {title}"));
                header.line();
            }
            let mut imports = Imports::default();
            for item in tokens.iter_lang() {
                match item.kind() {
                    AnyKind::Import(import) => imports.add(import),
                }
            }
            imports.write(&mut header, config.module_path.as_deref());
            header.format(out, config, &Format)?;
            tokens.format(out, config, &Format)
        }
    }

    Import(Import) {
        fn format(&self, out: &mut fmt::Formatter<'_>, _: &Config, _: &Format) -> fmt::Result {
            out.write_str(self.name())
        }
    }
}

/// The names imported from one module.
#[derive(Default)]
struct Names<'a> {
    default: Option<&'a str>,
    named: BTreeSet<&'a str>,
}

/// The imports of a module, by use: one line per module, value imports before
/// `import type` lines, k6's modules before the project's, each group sorted (the
/// project's by path from the root).
#[derive(Default)]
pub struct Imports<'a> {
    modules: BTreeMap<(bool, &'a Source), Names<'a>>,
}

impl<'a> Imports<'a> {
    fn add(&mut self, import: &'a Import) {
        let import = &*import.0;
        let names = self
            .modules
            .entry((import.kind == Kind::Type, &import.source))
            .or_default();
        match import.kind {
            Kind::Default => names.default = Some(&import.name),
            Kind::Named | Kind::Type => {
                names.named.insert(&import.name);
            }
        }
    }

    /// Writes the import lines, then a blank line when there are any; `module_path`
    /// is the importing module's (see [`Config::module_path`]).
    fn write(&self, tokens: &mut Tokens, module_path: Option<&str>) {
        let mut any = false;
        for ((is_type, source), names) in &self.modules {
            let specifier = match (source, module_path) {
                (Source::Package(package), _) => (*package).to_owned(),
                (Source::Local(path), Some(from)) if **path != *from => relative(from, path),
                (Source::Local(_), _) => continue,
            };
            let keyword = if *is_type { "import type " } else { "import " };
            let line = import_line(keyword, &specifier, names.default, &names.named);
            for line in line.lines() {
                tokens.append(line.to_owned());
                tokens.push();
            }
            any = true;
        }
        if any {
            tokens.line();
        }
    }
}

/// `import http, { a, b } from "module";`, broken over lines as prettier does when
/// too long.
fn import_line(
    keyword: &'static str,
    specifier: &str,
    default: Option<&str>,
    names: &BTreeSet<&str>,
) -> String {
    let from = format!(" from {};", string_literal(specifier));
    let mut line = String::from(keyword);
    if let Some(default) = default {
        line.push_str(default);
        if !names.is_empty() {
            line.push_str(", ");
        }
    }
    if !names.is_empty() {
        line.push_str("{ ");
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            line.push_str(name);
        }
        line.push_str(" }");
    }
    line.push_str(&from);
    // Nearly every import fits on its line: the printer is only needed to break one.
    if names.is_empty() || display_width(&line) <= LINE_WIDTH {
        return line;
    }
    import_doc(keyword, specifier, default, names).render()
}

/// [`import_line`] as a document for the width-aware printer.
fn import_doc(
    keyword: &'static str,
    specifier: &str,
    default: Option<&str>,
    names: &BTreeSet<&str>,
) -> Doc {
    let mut docs = vec![Doc::text(keyword)];
    if let Some(default) = default {
        docs.push(Doc::text(default.to_owned()));
        if !names.is_empty() {
            docs.push(Doc::text(", "));
        }
    }
    if !names.is_empty() {
        let items = names.iter().map(|n| Doc::text((*n).to_owned())).collect();
        docs.push(delimited("{", items, "}", Doc::Line, false));
    }
    docs.push(Doc::text(format!(" from {};", string_literal(specifier))));
    Doc::Concat(docs)
}

/// The import specifier of `to` from the module at `from` (both from the root).
pub fn relative(from: &str, to: &str) -> String {
    // The folders of `from` (its file name dropped), and `to` after the folders
    // both share.
    let from_dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut from_parts = from_dir
        .split('/')
        .filter(|part| !part.is_empty())
        .peekable();
    let mut rest = to;
    while let (Some(part), Some((head, tail))) = (from_parts.peek(), rest.split_once('/')) {
        if *part != head {
            break;
        }
        from_parts.next();
        rest = tail;
    }
    let ups = from_parts.count();
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

/// The values (not types) `tokens` import from the project module at `path`: the
/// helpers of `lib/utils`, the checks of `lib/checks` that module must declare.
pub fn values_from(tokens: &Tokens, path: &str) -> BTreeSet<String> {
    tokens
        .iter_lang()
        .filter_map(|item| match item.kind() {
            AnyKind::Import(Import(import)) => match &import.source {
                Source::Local(from) if **from == *path && import.kind != Kind::Type => {
                    Some(import.name.to_string())
                }
                _ => None,
            },
        })
        .collect()
}

/// Appends text that spans lines (a helper, a comment), one line at a time so that
/// genco indents each; an empty line becomes a blank line.
pub fn append_lines(tokens: &mut Tokens, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            tokens.line();
        } else {
            tokens.append(line.to_owned());
            tokens.push();
        }
    }
}

/// Appends `section` after a blank line, unless it is empty.
pub fn append_section(file: &mut Tokens, section: Tokens) {
    if !section.is_empty() {
        file.line();
        file.append(section);
    }
}

/// The module's text: its imports, then its tokens, laid out with 2-space
/// indentation and a final newline.
pub fn render(tokens: &Tokens, config: &Config) -> String {
    let format = fmt::Config::from_lang::<K6>().with_newline("\n");
    let mut writer = fmt::FmtWriter::new(String::new());
    tokens
        .format_file(&mut writer.as_formatter(&format), config)
        .expect("formatting into a String cannot fail");
    writer.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_collected_by_use_and_sorted() {
        let mut tokens = Tokens::new();
        tokens.append(Import::package("k6", "sleep"));
        tokens.append("(1);");
        tokens.push();
        tokens.append(Import::package_type("k6", "JSONValue"));
        tokens.push();
        tokens.append(Import::local("scripts/lib/config.js", "BASE_URL"));
        tokens.push();
        tokens.append(Import::package("k6", "check"));
        tokens.push();
        tokens.append(Import::package_default("k6/http", "http"));
        tokens.push();
        // From the module itself: no import.
        tokens.append(Import::local("scripts/main.js", "here"));
        let config = Config {
            module_path: Some("scripts/main.js".into()),
            title: Some("The test.".into()),
        };
        assert_eq!(
            render(&tokens, &config),
            "// The test.\n\n\
             import { check, sleep } from \"k6\";\n\
             import http from \"k6/http\";\n\
             import { BASE_URL } from \"./lib/config.js\";\n\
             import type { JSONValue } from \"k6\";\n\n\
             sleep(1);\nJSONValue\nBASE_URL\ncheck\nhttp\nhere\n"
        );
        // A single script declares its own names.
        let text = render(&tokens, &Config::default());
        assert!(!text.contains("config.js"), "{text}");
    }

    #[test]
    fn long_imports_break_as_prettier_breaks_them() {
        let names: BTreeSet<&str> = ["aVeryLongName", "anotherLongName", "yetAnotherName"]
            .into_iter()
            .collect();
        assert_eq!(
            import_line("import ", "../lib/somewhere/far.js", None, &names),
            "import {\n  aVeryLongName,\n  anotherLongName,\n  yetAnotherName,\n} from \"../lib/somewhere/far.js\";"
        );
    }

    /// The one-line form is taken without the printer only where the printer
    /// would take it too: around the 80th column, both agree.
    #[test]
    fn imports_on_one_line_exactly_where_the_printer_keeps_them() {
        for length in 40..60 {
            let name = "n".repeat(length);
            let names: BTreeSet<&str> = ["check", name.as_str()].into_iter().collect();
            for default in [None, Some("http")] {
                assert_eq!(
                    import_line("import ", "../lib/config.js", default, &names),
                    import_doc("import ", "../lib/config.js", default, &names).render(),
                    "{length} {default:?}"
                );
            }
        }
    }

    #[test]
    fn relative_specifiers_between_project_modules() {
        assert_eq!(
            relative("scripts/main.js", "scripts/lib/config.js"),
            "./lib/config.js"
        );
        assert_eq!(
            relative("scripts/scenarios/browse.js", "scripts/lib/config.js"),
            "../lib/config.js"
        );
        assert_eq!(
            relative("scripts/lib/auth.js", "scripts/lib/utils.js"),
            "./utils.js"
        );
    }
}
