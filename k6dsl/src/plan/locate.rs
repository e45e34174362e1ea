//! Locating validation problems, second half: from a field path to the line and
//! column where its value starts in the plan's text. JSON is walked by a small
//! cursor over text already read once; YAML by serde_norway itself, which marks the
//! error a probe stops with at the value's position.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::read::Seg;
use super::{Format, Location};

/// The first candidate path present in the text, with its location; else the
/// longest present prefix of the last (least precise) candidate.
pub(super) fn best(
    text: &str,
    format: Format,
    candidates: &[Vec<Seg>],
) -> (Vec<Seg>, Option<Location>) {
    for path in candidates {
        if let Some(location) = find(text, format, path) {
            return (path.clone(), Some(location));
        }
    }
    let Some(last) = candidates.last() else {
        return (Vec::new(), find(text, format, &[]));
    };
    for len in (0..last.len()).rev() {
        if let Some(location) = find(text, format, &last[..len]) {
            return (last[..len].to_vec(), Some(location));
        }
    }
    (Vec::new(), None)
}

/// Where the value at `path` starts, if the text has it.
pub(super) fn find(text: &str, format: Format, path: &[Seg]) -> Option<Location> {
    match format {
        Format::Json => {
            let mut cursor = Json {
                text: text.as_bytes(),
                at: 0,
            };
            let offset = cursor.find(path)?;
            Some(location_of(text, offset))
        }
        Format::Yaml => {
            let deserializer = serde_norway::Deserializer::from_str(text);
            match (Probe { path }).deserialize(deserializer) {
                Err(error) if error.to_string().contains(PROBE_MARK) => {
                    error.location().map(|l| Location {
                        line: l.line(),
                        column: l.column(),
                    })
                }
                _ => None,
            }
        }
    }
}

fn location_of(text: &str, offset: usize) -> Location {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Location { line, column }
}

/// A cursor over JSON text that has already been read successfully.
struct Json<'t> {
    text: &'t [u8],
    at: usize,
}

impl Json<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string, decoded.
    fn string(&mut self) -> Option<String> {
        self.space();
        let start = self.at;
        self.skip_string()?;
        serde_json::from_slice(&self.text[start..self.at]).ok()
    }

    fn skip_string(&mut self) -> Option<()> {
        (self.peek()? == b'"').then_some(())?;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        self.space();
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    /// The offset where the value at `path` starts.
    fn find(&mut self, path: &[Seg]) -> Option<usize> {
        self.space();
        let Some((first, rest)) = path.split_first() else {
            return Some(self.at);
        };
        match first {
            Seg::Key(wanted) => {
                self.eat(b'{')?;
                loop {
                    self.space();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key = self.string()?;
                    self.eat(b':')?;
                    if &key == wanted {
                        return self.find(rest);
                    }
                    self.skip_value()?;
                    self.eat(b',')?;
                }
            }
            Seg::Index(wanted) => {
                self.eat(b'[')?;
                let mut index = 0;
                loop {
                    self.space();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if index == *wanted {
                        return self.find(rest);
                    }
                    self.skip_value()?;
                    self.eat(b',')?;
                    index += 1;
                }
            }
        }
    }
}

/// The message of the error [`Probe`] stops with.
const PROBE_MARK: &str = "k6dsl: plan probe reached its value";

/// Walks a YAML document along `path` and stops with an error at the value
/// there, which the YAML reader marks with its position.
struct Probe<'p> {
    path: &'p [Seg],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Probe<'_> {
    fn here<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(PROBE_MARK))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.here()?;
        let Some((Seg::Key(wanted), rest)) = self.path.split_first() else {
            return Ok(());
        };
        while let Some(key) = map.next_key::<YamlKey>()? {
            if key.0.as_deref() == Some(wanted.as_str()) {
                return map.next_value_seed(Probe { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.here()?;
        let Some((Seg::Index(wanted), rest)) = self.path.split_first() else {
            return Ok(());
        };
        for _ in 0..*wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Probe { path: rest }).map(drop)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.here()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.here()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.here()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.here()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.here()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A YAML tag: not part of the plan format; stop here.
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<IgnoredAny>(variant)?;
        self.here()
    }
}

/// A YAML mapping key: a string, or anything else (never a plan field).
struct YamlKey(Option<String>);

impl<'de> Deserialize<'de> for YamlKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = YamlKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<YamlKey, E> {
                Ok(YamlKey(Some(key.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<YamlKey, E> {
                Ok(YamlKey(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<YamlKey, E> {
                Ok(YamlKey(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<YamlKey, E> {
                Ok(YamlKey(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<YamlKey, E> {
                Ok(YamlKey(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<YamlKey, E> {
                Ok(YamlKey(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YamlKey, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(YamlKey(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlKey, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(YamlKey(None))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}
