//! Reading an agent's tool arguments so that every problem is found at once, by field.
//!
//! A tool's arguments are one struct whose fields are [`Field`]s: the struct gives the JSON
//! schema the agent reads (types, allowed values, descriptions from the doc comments), and
//! reading it never stops at the first bad value. Each field keeps either its value or
//! what is wrong with it; [`read`] also reports fields the schema does not know. The tool
//! then takes each field with [`Problems::take`] and answers with all the problems together.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use studio::JobState;
use studio::composer_draft::json_kind;
use studio::desk::{AspectRatio, Channel, ClipDuration, Mode, Problem, QualityTier, Resolution};

/// One argument as sent: its value, or what is wrong with it.
#[derive(Debug, Clone)]
pub struct Field<T>(Result<T, String>);

/// A type an argument can have, read from JSON with a message for anything else.
pub trait Wire: Sized {
    fn schema(generator: &mut SchemaGenerator) -> Schema;
    fn from_wire(value: Value) -> Result<Self, String>;
}

impl<'de, T: Wire> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(T::from_wire(Value::deserialize(d)?)))
    }
}

impl<T: Wire> JsonSchema for Field<T> {
    fn schema_name() -> Cow<'static, str> {
        std::any::type_name::<T>().into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::schema(generator)
    }
}

impl Wire for String {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string" })
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(format!("must be a string, not {}", json_kind(&other))),
        }
    }
}

impl Wire for bool {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "boolean" })
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| format!("must be true or false, not {}", json_kind(&value)))
    }
}

impl Wire for i64 {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer" })
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        value
            .as_i64()
            .ok_or_else(|| format!("must be a whole number, not {value}"))
    }
}

impl Wire for u32 {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": 0 })
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("must be a whole number from 0, not {value}"))
    }
}

impl Wire for Vec<String> {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "array", "items": { "type": "string" } })
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        let Value::Array(items) = value else {
            return Err(format!(
                "must be an array of strings, not {}",
                json_kind(&value)
            ));
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s),
                other => Err(format!(
                    "item {i} must be a string, not {}",
                    json_kind(&other)
                )),
            })
            .collect()
    }
}

/// A string from a fixed list, read by the list's own words.
fn one_of<T: Copy>(
    value: Value,
    all: &[T],
    parse: impl Fn(&str) -> Option<T>,
    show: impl Fn(T) -> &'static str,
) -> Result<T, String> {
    let words = || all.iter().map(|v| show(*v)).collect::<Vec<_>>().join(", ");
    match &value {
        Value::String(s) => {
            parse(s).ok_or_else(|| format!("{s:?} is not allowed; use one of {}", words()))
        }
        other => Err(format!(
            "must be one of {} (a string), not {}",
            words(),
            json_kind(other)
        )),
    }
}

fn enum_schema<T: Copy>(all: &[T], show: impl Fn(T) -> &'static str) -> Schema {
    let words: Vec<&str> = all.iter().map(|v| show(*v)).collect();
    json_schema!({ "type": "string", "enum": words })
}

macro_rules! wire_enum {
    ($($ty:ty),*) => {$(
        impl Wire for $ty {
            fn schema(_: &mut SchemaGenerator) -> Schema {
                enum_schema(<$ty>::ALL, <$ty>::as_str)
            }
            fn from_wire(value: Value) -> Result<Self, String> {
                one_of(value, <$ty>::ALL, <$ty>::parse, <$ty>::as_str)
            }
        }
    )*};
}
wire_enum!(Mode, QualityTier, Channel, AspectRatio, Resolution);

impl Wire for JobState {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        enum_schema(&JobState::ALL, JobState::as_str)
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        one_of(value, &JobState::ALL, JobState::parse, JobState::as_str)
    }
}

/// The API sends a duration as a string of seconds, and so does an agent.
impl Wire for ClipDuration {
    fn schema(_: &mut SchemaGenerator) -> Schema {
        let seconds: Vec<String> = (4..=15).map(|s: u8| s.to_string()).collect();
        json_schema!({ "type": "string", "enum": seconds })
    }
    fn from_wire(value: Value) -> Result<Self, String> {
        match &value {
            Value::String(s) => s
                .parse::<u8>()
                .ok()
                .and_then(ClipDuration::new)
                .ok_or_else(|| {
                    format!("{s:?} is not allowed; a duration is \"4\" to \"15\" seconds")
                }),
            Value::Number(n) => Err(format!(
                "is a string of seconds, as the API has it: \"{n}\", not {n}"
            )),
            other => Err(format!(
                "must be a string of 4 to 15 seconds, not {}",
                json_kind(other)
            )),
        }
    }
}

/// The problems found so far while taking a tool's arguments.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The value of `field` (None when absent or wrong; a wrong one is a problem).
    pub fn take<T>(&mut self, field: &str, value: Option<Field<T>>) -> Option<T> {
        match value?.0 {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(Problem::new(field, message));
                None
            }
        }
    }

    /// The value of a required `field`; its absence is a problem.
    pub fn require<T>(&mut self, field: &str, value: Option<Field<T>>) -> Option<T> {
        if value.is_none() {
            self.0.push(Problem::new(field, "is required"));
        }
        self.take(field, value)
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Problem::new(field, message.into()));
    }
}

/// Reads `arguments` as `T`: every field the schema does not know is a problem, and so
/// is arguments that are not an object. Field values are checked later, by [`Problems::take`].
pub fn read<T: DeserializeOwned + JsonSchema + 'static>(
    arguments: serde_json::Map<String, Value>,
) -> Result<(T, Problems), Problems> {
    let schema = rmcp::handler::server::common::schema_for_type::<T>();
    // Sorted, so the message reads the same whichever order the map keeps.
    let mut known: Vec<&str> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    known.sort_unstable();
    let mut problems = Problems::default();
    for key in arguments.keys() {
        if !known.contains(&key.as_str()) {
            problems.push(
                key,
                format!(
                    "is not a parameter of this tool; the parameters are {}",
                    known.join(", ")
                ),
            );
        }
    }
    match serde_json::from_value::<T>(Value::Object(arguments)) {
        Ok(args) => Ok((args, problems)),
        Err(e) => {
            problems.push("arguments", e.to_string());
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, JsonSchema)]
    struct Sample {
        /// The mode.
        mode: Option<Field<Mode>>,
        duration: Option<Field<ClipDuration>>,
        media_urls: Option<Field<Vec<String>>>,
        prompt: Option<Field<String>>,
    }

    fn object(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn every_bad_value_and_unknown_field_is_one_problem_by_field() {
        let (args, mut problems) = read::<Sample>(object(json!({
            "mode": "text-to-movie", "duration": 8, "media_urls": ["https://a", 3], "tier": "pro"
        })))
        .unwrap();
        assert!(problems.take("mode", args.mode).is_none());
        assert!(problems.take("duration", args.duration).is_none());
        assert!(problems.take("media_urls", args.media_urls).is_none());
        assert!(problems.require("prompt", args.prompt).is_none());
        let fields: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["tier", "mode", "duration", "media_urls", "prompt"]);
        let messages: Vec<&str> = problems.0.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages[0].contains("the parameters are duration, media_urls, mode, prompt"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("text-to-video, image-to-video"),
            "{}",
            messages[1]
        );
        assert!(messages[2].contains("\"8\", not 8"), "{}", messages[2]);
        assert!(messages[3].starts_with("item 1"), "{}", messages[3]);
    }

    #[test]
    fn good_values_are_read_as_the_api_has_them() {
        let (args, mut problems) =
            read::<Sample>(object(json!({"mode": "media-to-video", "duration": "12"}))).unwrap();
        assert_eq!(problems.take("mode", args.mode), Some(Mode::MediaToVideo));
        assert_eq!(
            problems
                .take("duration", args.duration)
                .map(|d| d.seconds()),
            Some(12)
        );
        assert!(problems.0.is_empty());
    }

    #[test]
    fn the_schema_lists_the_allowed_values_with_the_descriptions() {
        let schema = rmcp::handler::server::common::schema_for_type::<Sample>();
        let mode = &schema["properties"]["mode"];
        assert_eq!(mode["description"], "The mode.");
        assert_eq!(mode["enum"][0], "text-to-video");
        assert_eq!(schema["properties"]["duration"]["enum"][0], "4");
    }
}
