//! A plan's top level: the model's fields, and `$schema`, the JSON Schema an editor
//! checks the plan against (`docs/plan.schema.json`), which k6dsl reads as a string
//! and ignores.
//!
//! The model denies unknown fields, and serde's `flatten` would buffer the whole
//! plan and lose the line, column and field path of every error inside it. So the
//! key is taken out on the way in: the top-level object is read through a map access
//! that skips `$schema` and hands every other key, as it comes, to the model's
//! derived reader, which then behaves (and words its errors) as before.

use std::fmt;

use serde::de::value::{
    BorrowedBytesDeserializer, BorrowedStrDeserializer, BytesDeserializer, MapAccessDeserializer,
    SeqAccessDeserializer,
};
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};

use crate::model;

/// The top-level key an editor reads a plan's schema from (`"$schema":
/// "plan.schema.json"`); plans may have it and k6dsl ignores it.
pub(super) const SCHEMA_KEY: &str = "$schema";

/// The model read from a plan's top-level object, `$schema` left out.
pub(super) struct Document(pub(super) model::Script);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The field list only matters to formats that are not self-describing; JSON
        // and YAML read keys from the text.
        deserializer
            .deserialize_struct("Script", &[], TopLevel)
            .map(Document)
    }
}

/// Reads the top-level value as the derived `model::Script` reader would.
struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = model::Script;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The derived reader's words, so that messages stay the same.
        f.write_str("struct Script")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<model::Script, A::Error> {
        model::Script::deserialize(MapAccessDeserializer::new(WithoutSchemaKey { map }))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<model::Script, A::Error> {
        // serde's derived structs also read a list of the fields' values.
        model::Script::deserialize(SeqAccessDeserializer::new(seq))
    }
}

/// The top-level object's entries, without `$schema`.
struct WithoutSchemaKey<A> {
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutSchemaKey<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut seed = Some(seed);
        loop {
            match self.map.next_key_seed(KeyOrSchema { seed: &mut seed })? {
                None => return Ok(None),
                Some(Some(key)) => return Ok(Some(key)),
                // `$schema`: its value must be a string, and is ignored.
                Some(None) => drop(self.map.next_value::<String>()?),
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A key: `None` for `$schema`, else what the model's reader makes of it. The
/// model's seed is taken only when the key is not `$schema`.
struct KeyOrSchema<'s, K> {
    seed: &'s mut Option<K>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeyOrSchema<'_, K> {
    type Value = Option<K::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> KeyOrSchema<'_, K> {
    /// Hands the key, as `key` gives it, to the model's reader.
    fn forward<D: Deserializer<'de>>(self, key: D) -> Result<Option<K::Value>, D::Error> {
        let seed = self.seed.take().expect("a key's seed is used once");
        seed.deserialize(key).map(Some)
    }
}

// The forms of a key a derived struct's field reader takes (names, bytes, field
// indexes); any other form fails with its words, "expected field identifier".
impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for KeyOrSchema<'_, K> {
    type Value = Option<K::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key == SCHEMA_KEY {
            return Ok(None);
        }
        self.forward(key.into_deserializer())
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        if key == SCHEMA_KEY {
            return Ok(None);
        }
        self.forward(BorrowedStrDeserializer::new(key))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        if key == SCHEMA_KEY {
            return Ok(None);
        }
        self.forward(key.into_deserializer())
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        if key == SCHEMA_KEY.as_bytes() {
            return Ok(None);
        }
        self.forward(BytesDeserializer::new(key))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, key: &'de [u8]) -> Result<Self::Value, E> {
        if key == SCHEMA_KEY.as_bytes() {
            return Ok(None);
        }
        self.forward(BorrowedBytesDeserializer::new(key))
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Self::Value, E> {
        self.forward(index.into_deserializer())
    }
}
