//! A response document described once and written as either JSON or XML, so that the two
//! formats cannot drift apart field by field.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::io;

pub enum Node {
    Text(String),
    Int(i64),
    /// A JSON number with a fraction (coordinates).
    Float(f64),
    Bool(bool),
    /// JSON `null`; an empty element in XML.
    Null,
    /// A JSON array; in XML, one element named `item` per entry.
    List {
        item: &'static str,
        entries: Vec<Node>,
    },
    /// A JSON object; in XML, one child element per field, in this order.
    Fields(Vec<(&'static str, Node)>),
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    pub fn list(item: &'static str, entries: impl IntoIterator<Item = Node>) -> Node {
        Node::List {
            item,
            entries: entries.into_iter().collect(),
        }
    }

    pub fn fields(fields: impl IntoIterator<Item = (&'static str, Node)>) -> Node {
        Node::Fields(fields.into_iter().collect())
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Text(t) => s.serialize_str(t),
            Node::Int(n) => s.serialize_i64(*n),
            Node::Float(x) => s.serialize_f64(*x),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Null => s.serialize_none(),
            Node::List { entries, .. } => s.collect_seq(entries),
            Node::Fields(fields) => s.collect_map(fields.iter().map(|(k, v)| (k, v))),
        }
    }
}

/// The whole XML document: the declaration the spec requires, then `root` holding `node`.
pub fn to_xml(root: &str, node: &Node) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    element(&mut w, root, node)?;
    Ok(w.into_inner())
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, node: &Node) -> io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    content(w, node)?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn content(w: &mut Writer<Vec<u8>>, node: &Node) -> io::Result<()> {
    match node {
        Node::Text(t) => text(w, t),
        Node::Int(n) => text(w, &n.to_string()),
        Node::Float(x) => text(w, &x.to_string()),
        Node::Bool(b) => text(w, if *b { "true" } else { "false" }),
        Node::Null => Ok(()),
        Node::List { item, entries } => entries.iter().try_for_each(|e| element(w, item, e)),
        Node::Fields(fields) => fields.iter().try_for_each(|(name, v)| element(w, name, v)),
    }
}

/// Escaped text. Characters XML 1.0 cannot carry at all, even escaped (control characters that
/// come along with text pasted from spreadsheets), are dropped so the document stays well formed.
fn text(w: &mut Writer<Vec<u8>>, t: &str) -> io::Result<()> {
    let t: Cow<str> = if t.chars().all(xml_char) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.chars().filter(|&c| xml_char(c)).collect())
    };
    w.write_event(Event::Text(BytesText::new(&t)))
}

fn xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}
