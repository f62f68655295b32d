//! The lenient accessors of `Params`.

use serde_json::{Value, json};

use super::object;
use crate::decode::{ParamError, Params};

fn params(value: Value) -> Params {
    Params::from(object(value))
}

#[test]
fn get_walks_objects_and_lists_and_keeps_null() {
    let p = params(json!({
        "options": {"custom_fields": {"locale": "de"}},
        "users": ["a", "b"],
        "expires_at": null,
    }));
    assert_eq!(p.get("options.custom_fields.locale"), Some(&json!("de")));
    assert_eq!(p.get("users.1"), Some(&json!("b")));
    assert_eq!(p.get("users.x"), None);
    assert_eq!(p.get("options.custom_fields.locale.more"), None);
    assert_eq!(p.get("missing"), None);
    assert_eq!(p.get(""), None);

    // `null` clears a value, absence leaves it alone.
    assert_eq!(p.get("expires_at"), Some(&Value::Null));
    assert_eq!(p.str("expires_at"), Ok(None));
    assert_eq!(p.bool("expires_at"), Ok(None));
}

#[test]
fn str_accepts_scalars_only() {
    let p = params(json!({"s": "x", "n": 42, "f": 1.5, "b": true, "o": {}, "l": []}));
    assert_eq!(p.str("s"), Ok(Some("x".into())));
    assert_eq!(p.str("n"), Ok(Some("42".into())));
    assert_eq!(p.str("f"), Ok(Some("1.5".into())));
    assert_eq!(p.str("b"), Ok(Some("true".into())));
    assert_eq!(p.str("missing"), Ok(None));
    assert_eq!(p.str("o").unwrap_err().to_string(), "o must be a string");
    assert_eq!(p.str("l").unwrap_err().to_string(), "l must be a string");
}

#[test]
fn bool_accepts_what_the_clients_send() {
    let p = params(json!({"o": {
        "t1": true, "t2": "true", "t3": "1", "t4": 1, "t5": "on", "t6": "YES", "t7": " True ",
        "f1": false, "f2": "false", "f3": "0", "f4": 0, "f5": "off", "f6": "no",
        "empty": "", "bad1": "maybe", "bad2": 2, "bad3": [], "bad4": 1.0,
    }}));
    for key in ["t1", "t2", "t3", "t4", "t5", "t6", "t7"] {
        assert_eq!(p.bool(&format!("o.{key}")), Ok(Some(true)), "{key}");
    }
    for key in ["f1", "f2", "f3", "f4", "f5", "f6"] {
        assert_eq!(p.bool(&format!("o.{key}")), Ok(Some(false)), "{key}");
    }
    assert_eq!(p.bool("o.empty"), Ok(None));
    for key in ["bad1", "bad2", "bad3", "bad4"] {
        let err = p.bool(&format!("o.{key}")).unwrap_err();
        assert_eq!(err.to_string(), format!("o[{key}] must be a boolean"));
    }
}

#[test]
fn int_accepts_numbers_and_numeric_strings() {
    let p = params(json!({
        "a": 25, "b": "25", "c": " -3 ", "d": 5.0, "e": "", "f": "2.5", "g": 2.5,
        "h": "x", "i": true, "j": 18446744073709551615u64, "k": 1e300,
    }));
    assert_eq!(p.int("a"), Ok(Some(25)));
    assert_eq!(p.int("b"), Ok(Some(25)));
    assert_eq!(p.int("c"), Ok(Some(-3)));
    assert_eq!(p.int("d"), Ok(Some(5)));
    assert_eq!(p.int("e"), Ok(None));
    for key in ["f", "g", "h", "i", "j", "k"] {
        assert_eq!(
            p.int(key).unwrap_err().to_string(),
            format!("{key} must be an integer")
        );
    }
}

#[test]
fn str_list_accepts_lists_and_comma_separated_text() {
    let p = params(json!({
        "list": ["a", 2, true], "csv": "a, b,,c ", "one": "a", "empty": "",
        "number": 7, "nested": [["a"]], "object": {"a": "b"},
    }));
    assert_eq!(
        p.str_list("list"),
        Ok(Some(vec!["a".into(), "2".into(), "true".into()]))
    );
    assert_eq!(
        p.str_list("csv"),
        Ok(Some(vec!["a".into(), "b".into(), "c".into()]))
    );
    assert_eq!(p.str_list("one"), Ok(Some(vec!["a".into()])));
    assert_eq!(p.str_list("empty"), Ok(Some(vec![])));
    assert_eq!(p.str_list("number"), Ok(Some(vec!["7".into()])));
    assert_eq!(p.str_list("missing"), Ok(None));
    for key in ["nested", "object"] {
        assert_eq!(
            p.str_list(key).unwrap_err().to_string(),
            format!("{key} must be a list of strings")
        );
    }
}

#[test]
fn object_returns_nested_maps() {
    let p = params(json!({"options": {"custom_fields": {"locale": "de"}}, "name": "x"}));
    let fields = p.object("options.custom_fields").unwrap().unwrap();
    assert_eq!(fields.get("locale"), Some(&json!("de")));
    assert_eq!(p.object("missing"), Ok(None));
    assert_eq!(
        p.object("name").unwrap_err().to_string(),
        "name must be an object"
    );
}

#[test]
fn errors_name_the_parameter_in_bracket_form() {
    let p = params(json!({"options": {"custom_fields": {"locale": []}}}));
    let err: ParamError = p.str("options.custom_fields.locale").unwrap_err();
    assert_eq!(err.path(), "options.custom_fields.locale");
    assert_eq!(err.expected(), "a string");
    assert_eq!(
        err.to_string(),
        "options[custom_fields][locale] must be a string"
    );
}
