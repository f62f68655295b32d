//! The nested object that bracketed keys (`user[name]`, `users[]`,
//! `users[0]`) expand into.
//!
//! Every encoding ends up here: form and multipart fields are inserted one
//! pair at a time, JSON objects are inserted key by key, so flat bracketed
//! keys and nested objects merge into the same tree.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::keys::{Segment, name, parse_key, segment_name, too_deep};
use super::{DecodeError, MAX_DEPTH};

/// A value being built. Lists are kept sparse, keyed by index, so that
/// `users[1]=b&users[0]=a` comes out in index order whatever the field order.
#[derive(Debug)]
enum Node {
    Vacant,
    Leaf(Value),
    Object(BTreeMap<String, Node>),
    List(BTreeMap<u32, Node>),
}

/// The nested object that decoded pairs are inserted into.
#[derive(Debug)]
pub(crate) struct Tree {
    root: Node,
}

impl Tree {
    pub(crate) fn new() -> Self {
        Tree {
            root: Node::Object(BTreeMap::new()),
        }
    }

    /// Inserts a value under a possibly bracketed key. The value is taken as a
    /// whole: objects inside it are not expanded (used for strings and for the
    /// summaries of uploaded files).
    pub(crate) fn insert(&mut self, key: &str, value: Value) -> Result<(), DecodeError> {
        let path = parse_key(key)?;
        place(&mut self.root, &path, Node::Leaf(value), &mut Vec::new())
    }

    /// Inserts every member of a JSON object, expanding bracketed keys at
    /// every level of nesting.
    pub(crate) fn insert_json(&mut self, object: Map<String, Value>) -> Result<(), DecodeError> {
        let mut trail = Vec::new();
        let node = json_object(object, &mut trail)?;
        merge(&mut self.root, node, &mut trail)
    }

    pub(crate) fn into_map(self) -> Map<String, Value> {
        match into_value(self.root) {
            Value::Object(map) => map,
            // The root is created as an object and only ever merged with
            // objects, so this arm is unreachable; an empty map is harmless.
            _ => Map::new(),
        }
    }
}

/// Puts `value` at `path` below `slot`, creating objects and lists on the way.
/// `trail` is the bracket name of `slot`, for error messages and the depth
/// limit.
fn place(
    slot: &mut Node,
    path: &[Segment<'_>],
    value: Node,
    trail: &mut Vec<String>,
) -> Result<(), DecodeError> {
    if trail.len() > MAX_DEPTH {
        return Err(too_deep());
    }
    let Some((first, rest)) = path.split_first() else {
        return merge(slot, value, trail);
    };

    match *first {
        Segment::Key(key) => {
            let map = as_object(slot, trail)?;
            trail.push(key.to_owned());
            let child = map.entry(key.to_owned()).or_insert(Node::Vacant);
            place(child, rest, value, trail)
        }
        Segment::Index(index) => {
            let list = as_list(slot, trail)?;
            trail.push(index.to_string());
            let child = list.entry(index).or_insert(Node::Vacant);
            place(child, rest, value, trail)
        }
        Segment::Push => {
            let list = as_list(slot, trail)?;
            trail.push(String::new());
            if rest.is_empty() {
                return append(list, value, trail);
            }
            let index = push_target(list, rest, trail)?;
            let child = list.entry(index).or_insert(Node::Vacant);
            place(child, rest, value, trail)
        }
    }
}

/// Where `users[][name]=a` goes: into the last element while that element
/// does not have `name` yet, else into a new one. This is how Rack reads
/// `users[][name]=a&users[][id]=1&users[][name]=b` as two users.
fn push_target(
    list: &BTreeMap<u32, Node>,
    rest: &[Segment<'_>],
    trail: &[String],
) -> Result<u32, DecodeError> {
    if let (Some(Segment::Key(key)), Some((&last, Node::Object(map)))) =
        (rest.first(), list.last_key_value())
        && !map.contains_key(*key)
    {
        return Ok(last);
    }
    next_index(list, trail)
}

/// Appends to a list. A list value is appended element by element, so that
/// `{"users[]": ["a", "b"]}` means the same as `users[]=a&users[]=b`.
fn append(
    list: &mut BTreeMap<u32, Node>,
    value: Node,
    trail: &[String],
) -> Result<(), DecodeError> {
    let items = match value {
        Node::List(items) => items.into_values().collect(),
        other => vec![other],
    };
    for item in items {
        let index = next_index(list, trail)?;
        list.insert(index, item);
    }
    Ok(())
}

fn next_index(list: &BTreeMap<u32, Node>, trail: &[String]) -> Result<u32, DecodeError> {
    match list.last_key_value() {
        None => Ok(0),
        Some((&last, _)) => last.checked_add(1).ok_or_else(|| {
            DecodeError::malformed(format!("list index is too large in {}", name(trail)))
        }),
    }
}

/// Combines a new value with what is already there. Two scalars: the last one
/// wins, as for a repeated plain key. Objects merge key by key and lists are
/// appended. A scalar meeting an object or a list is a conflict.
fn merge(slot: &mut Node, value: Node, trail: &mut Vec<String>) -> Result<(), DecodeError> {
    if let Node::Vacant = slot {
        *slot = value;
        return Ok(());
    }

    match (slot, value) {
        (Node::Leaf(old), Node::Leaf(new)) => *old = new,
        (Node::Object(old), Node::Object(new)) => {
            for (key, child) in new {
                trail.push(key.clone());
                merge(old.entry(key).or_insert(Node::Vacant), child, trail)?;
                trail.pop();
            }
        }
        (Node::List(old), new @ Node::List(_)) => append(old, new, trail)?,
        _ => return Err(conflict(trail)),
    }
    Ok(())
}

fn as_object<'n>(
    slot: &'n mut Node,
    trail: &[String],
) -> Result<&'n mut BTreeMap<String, Node>, DecodeError> {
    if let Node::Vacant = slot {
        *slot = Node::Object(BTreeMap::new());
    }
    match slot {
        Node::Object(map) => Ok(map),
        _ => Err(conflict(trail)),
    }
}

fn as_list<'n>(
    slot: &'n mut Node,
    trail: &[String],
) -> Result<&'n mut BTreeMap<u32, Node>, DecodeError> {
    if let Node::Vacant = slot {
        *slot = Node::List(BTreeMap::new());
    }
    match slot {
        Node::List(list) => Ok(list),
        _ => Err(conflict(trail)),
    }
}

/// Turns a JSON object into a node, expanding bracketed keys. `trail` is the
/// name of the object itself and comes back unchanged on success.
fn json_object(object: Map<String, Value>, trail: &mut Vec<String>) -> Result<Node, DecodeError> {
    let mut node = Node::Object(BTreeMap::new());
    for (key, value) in object {
        let path = parse_key(&key)?;
        let depth = trail.len();

        // Convert the value under its full name so that nested conflicts and
        // the depth limit see where it really sits.
        trail.extend(path.iter().map(segment_name));
        let child = json_value(value, trail)?;
        trail.truncate(depth);

        place(&mut node, &path, child, trail)?;
        trail.truncate(depth);
    }
    Ok(node)
}

fn json_value(value: Value, trail: &mut Vec<String>) -> Result<Node, DecodeError> {
    if trail.len() > MAX_DEPTH {
        return Err(too_deep());
    }
    match value {
        Value::Object(object) => json_object(object, trail),
        Value::Array(items) => {
            let mut list = BTreeMap::new();
            for (index, item) in (0..).zip(items) {
                trail.push(index.to_string());
                list.insert(index, json_value(item, trail)?);
                trail.pop();
            }
            Ok(Node::List(list))
        }
        scalar => Ok(Node::Leaf(scalar)),
    }
}

fn into_value(node: Node) -> Value {
    match node {
        Node::Vacant => Value::Null,
        Node::Leaf(value) => value,
        Node::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, child)| (key, into_value(child)))
                .collect(),
        ),
        Node::List(list) => Value::Array(list.into_values().map(into_value).collect()),
    }
}

fn conflict(trail: &[String]) -> DecodeError {
    DecodeError::malformed(format!("conflicting values for {}", name(trail)))
}
