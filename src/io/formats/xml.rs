//! A small element tree over quick-xml for the XML formats (KML, GPX): local names, attributes, text, children.
//! Depth is limited so a hostile file cannot exhaust the stack.

use quick_xml::events::Event;

/// Deepest element nesting read.
const MAX_DEPTH: usize = 256;

/// One XML element.
#[derive(Debug, Default, Clone)]
pub struct Element {
    /// Local name (without a namespace prefix).
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The element's own text (CDATA and entities resolved), children's text not included.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child called `name`.
    #[must_use]
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child called `name`.
    #[must_use]
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// The value of attribute `name`.
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every descendant (depth first) called `name`.
    pub fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }
}

fn local(name: &[u8]) -> String {
    let name = name.rsplit(|b| *b == b':').next().unwrap_or(name);
    String::from_utf8_lossy(name).into_owned()
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Parses `text` into its root element.
///
/// # Errors
/// A plain-words reason with the byte position when the XML is not well formed, or nested too deep.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("not well-formed XML near byte {at}: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if stack.len() > MAX_DEPTH => {
                let _ = e;
                return Err(format!("elements are nested more than {MAX_DEPTH} deep"));
            }
            Event::Start(e) => {
                stack.push(element(&e));
            }
            Event::Empty(e) => {
                let el = element(&e);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(el);
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else { break };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err(format!("a closing tag without an opening one near byte {at}")),
                }
            }
            Event::Text(t) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.decode()) {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.decode()) {
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(top), Ok(name)) = (stack.last_mut(), r.decode()) {
                    match entity(&name) {
                        Some(c) => top.text.push(c),
                        None => top.text.push_str(&format!("&{name};")),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the document ends inside an element (truncated?)".to_owned());
    }
    let root = stack.pop().unwrap_or_default();
    root.children.into_iter().next().ok_or_else(|| "the document has no root element".to_owned())
}

fn element(e: &quick_xml::events::BytesStart) -> Element {
    let attributes = e
        .attributes()
        .flatten()
        .map(|a| {
            (
                local(a.key.as_ref()),
                a.normalized_value(quick_xml::XmlVersion::default()).map(|v| v.into_owned()).unwrap_or_default(),
            )
        })
        .collect();
    Element { name: local(e.name().as_ref()), attributes, ..Element::default() }
}
