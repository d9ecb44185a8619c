//! Names for integer values: `enum Color: u8 { red = 1, green = 2 }` and
//! `flags Perm: u16 { read = 1, write = 2, exec = 4 }`.
//!
//! An [`EnumDef`] only names numbers; the bytes are those of its base
//! integer, in that integer's byte order. Shown values: an enum's name
//! (`"green"`), or its number when no name has it (`7`); a flags value's
//! set names joined by `|` in declaration order (`"read|write"`), any bits
//! that no name covers appended as one number (`"read|8"`), and a plain
//! number when no name is set at all (`0`, `8`). Text in (`pack`, `set`,
//! `--where`) takes the same spellings, or numbers. May call: `suggest`,
//! `text::number`.

use std::sync::Arc;

use super::ScalarKind;

/// An `enum` or `flags` declaration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDef {
    /// The declared name (`Color`).
    pub name: Arc<str>,
    /// `flags` (values are sets of bits) rather than `enum`.
    pub flags: bool,
    /// The base integer kind (`u8`), without its byte order.
    pub base: ScalarKind,
    /// The names and their values, in declaration order.
    pub members: Vec<(Arc<str>, i128)>,
}

/// How a value shows: a name (or names joined by `|`), or a plain number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown<'d> {
    /// One declared name.
    Name(&'d str),
    /// Flags: the set names, and the unnamed remainder bits (0 for none).
    Flags(Vec<&'d str>, i128),
    /// No name has this value.
    Number(i128),
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Name(n) => f.write_str(n),
            Shown::Flags(names, rest) => {
                f.write_str(&names.join("|"))?;
                if *rest != 0 { write!(f, "|{rest}") } else { Ok(()) }
            }
            Shown::Number(v) => write!(f, "{v}"),
        }
    }
}

impl EnumDef {
    /// `enum` or `flags`.
    pub fn keyword(&self) -> &'static str {
        if self.flags { "flags" } else { "enum" }
    }

    /// The value of a declared name.
    pub fn value_of(&self, name: &str) -> Option<i128> {
        self.members.iter().find(|(n, _)| &**n == name).map(|(_, v)| *v)
    }

    /// How `v` shows.
    ///
    /// ```
    /// use binmap::layout::{EnumDef, ScalarKind, Shown};
    /// let m = |n: &str, v| (n.into(), v);
    /// let perm = EnumDef { name: "Perm".into(), flags: true, base: ScalarKind::U16,
    ///                      members: vec![m("read", 1), m("write", 2), m("exec", 4)] };
    /// assert_eq!(perm.show(3).to_string(), "read|write");
    /// assert_eq!(perm.show(9).to_string(), "read|8");
    /// assert_eq!(perm.show(0), Shown::Number(0));
    /// ```
    pub fn show(&self, v: i128) -> Shown<'_> {
        if let Some((n, _)) = self.members.iter().find(|(_, x)| *x == v) {
            return Shown::Name(n);
        }
        if !self.flags || v < 0 {
            return Shown::Number(v);
        }
        let (mut names, mut rest) = (Vec::new(), v);
        for (n, bits) in &self.members {
            if *bits != 0 && rest & bits == *bits {
                names.push(&**n);
                rest &= !bits;
            }
        }
        if names.is_empty() { Shown::Number(v) } else { Shown::Flags(names, rest) }
    }

    /// The value named by `text`: a name, a number, or for flags names and
    /// numbers joined by `|` (`read|write`, `read|8`). The error says why,
    /// with the closest name when one is near.
    ///
    /// ```
    /// use binmap::layout::{EnumDef, ScalarKind};
    /// let m = |n: &str, v| (n.into(), v);
    /// let color = EnumDef { name: "Color".into(), flags: false, base: ScalarKind::U8,
    ///                       members: vec![m("red", 1), m("green", 2)] };
    /// assert_eq!(color.parse("green"), Ok(2));
    /// assert_eq!(color.parse("7"), Ok(7));
    /// assert_eq!(color.parse("gren").unwrap_err(),
    ///            "'gren' is not a name of enum Color (red, green); did you mean 'green'?");
    /// ```
    pub fn parse(&self, text: &str) -> Result<i128, String> {
        let one = |part: &str| -> Result<i128, String> {
            let part = part.trim();
            if let Some(v) = self.value_of(part) {
                return Ok(v);
            }
            if let Some(v) = crate::text::number::parse_int(part) {
                return Ok(v);
            }
            let names: Vec<&str> = self.members.iter().map(|(n, _)| &**n).collect();
            Err(format!(
                "'{part}' is not a name of {} {} ({}){}",
                self.keyword(),
                self.name,
                names.join(", "),
                crate::suggest::hint(part, names.iter().copied())
            ))
        };
        if !self.flags || !text.contains('|') {
            return one(text);
        }
        text.split('|').try_fold(0i128, |acc, part| Ok(acc | one(part)?))
    }

    /// The declaration as layout text (`enum Color: u8 { red = 1, green = 2 }`).
    pub fn describe(&self) -> String {
        let members: Vec<String> = self.members.iter().map(|(n, v)| format!("{n} = {v}")).collect();
        format!("{} {}: {} {{ {} }}", self.keyword(), self.name, self.base.name(), members.join(", "))
    }
}
