//! The input `pack` takes, turned into the document [`super::pack`] packs:
//! what binmap itself prints (a JSON object, a top-level JSON list of the
//! main array's elements, JSON Lines, CSV) and what people write (CSV with
//! no header, other delimiters, a pandas index column; header values given
//! beside the data with `--set PATH=VALUE`).
//!
//! Each text reader keeps the line of every record, so that an error the
//! packer reports at `records[41].value` is placed in the text too
//! ([`TextDoc::locate`]: `in CSV line 43, column 3 (value)`). Records given
//! as lists (`[x, y, z]` for `{x, y, z}`) are taken apart by the packer
//! itself ([`super::tuple`]). This module calls the CSV cutter
//! ([`crate::text::csv_in`]), the JSON reader and the path parser.

use std::sync::Arc;

use crate::encode::Origin;
use crate::error::{Error, Result};
use crate::layout::{Field, Item, Layout, TextKind, Type};
use crate::select::{Seg, parse_path, path_to_string};
use crate::text::csv_in::{self, CsvOptions, Delimiter};
use crate::text::json_read::{Doc, parse_json};

/// The layout's main array: its last named top-level field, when that is
/// an array (`records` of `records: Tick[..]`, `coords` of flight_path.bml).
pub fn main_array(layout: &Layout) -> Option<&Field> {
    let Some(Item::Field(last)) =
        layout.root.items.iter().rev().find(|i| matches!(i, Item::Field(f) if f.name.is_some()))
    else {
        return None;
    };
    matches!(last.ty, Type::Array { .. }).then_some(last)
}

/// A JSON document as `pack` takes it: an object of the file's fields, or
/// a list, which is the main array's elements (what `show FILE records -f
/// json` and `select -f json` print), or, for a layout with no main array,
/// the top-level fields in order (see [`super::pack`]).
///
/// ```
/// use binmap::pack::input::json_doc;
/// use binmap::text::json_read::parse_json;
/// let l = binmap::Layout::parse("n: u8\nv: u8[n]").unwrap();
/// let doc = json_doc(&l, parse_json("[1, 2]").unwrap());
/// let out = binmap::pack::pack(&l, &doc, binmap::encode::Origin::Json).unwrap();
/// assert_eq!(out, [2, 1, 2]);
/// ```
pub fn json_doc(layout: &Layout, doc: Doc) -> Doc {
    match (doc, main_array(layout).and_then(|f| f.name.as_deref())) {
        (Doc::Array(items), Some(name)) => Doc::Object(vec![(name.to_string(), Doc::Array(items))]),
        (doc, _) => doc,
    }
}

/// A document read from text, with where each record came from.
pub struct TextDoc {
    pub doc: Doc,
    /// Cells are text ([`Origin::Text`], CSV) or JSON values.
    pub origin: Origin,
    /// Notes for the user: what was decided about the text (a delimiter
    /// found in the first line, a column skipped).
    pub notes: Vec<String>,
    /// The main array's name (`None`: the text is the top-level record).
    array: Option<String>,
    /// The 1-based line where each record starts.
    lines: Vec<u64>,
    /// CSV: each column's path in the record (as an error names it:
    /// `value`, `v[0]`), its number in the file (0-based) and header name.
    columns: Vec<(String, usize, String)>,
    csv: bool,
}

impl TextDoc {
    /// Place an error the packer reports at `records[41].value` in the
    /// text: a note `in CSV line 43, column 3 (value)`.
    pub fn locate(&self, e: Error) -> Error {
        if e.notes.iter().any(|n| n.starts_with("in CSV line") || n.starts_with("in JSON Lines line")) {
            return e;
        }
        let Some((row, leaf)) = e.notes.iter().find_map(|n| self.record_of(n.strip_prefix("at ")?)) else {
            return e;
        };
        let Some(&line) = self.lines.get(row) else { return e };
        if !self.csv {
            return e.note(format!("in JSON Lines line {line}"));
        }
        let column = self.columns.iter().find(|(p, _, _)| *p == leaf).map(|(_, k, name)| (*k, name.as_str()));
        e.note(csv_in::place(line, column))
    }

    /// The record and the path inside it that `at` (`records[41].value`) names.
    fn record_of(&self, at: &str) -> Option<(usize, String)> {
        let Some(a) = &self.array else { return Some((0, at.to_string())) };
        let rest = at.strip_prefix(a.as_str())?.strip_prefix('[')?;
        let close = rest.find(']')?;
        let row = rest[..close].parse().ok()?;
        let leaf = &rest[close + 1..];
        Some((row, leaf.strip_prefix('.').unwrap_or(leaf).to_string()))
    }
}

/// The document for JSON Lines: one element of the main array per
/// non-blank line, or, for a layout with no main array, one line that is
/// the whole document (as `show --format jsonl` prints it).
pub fn jsonl_doc(layout: &Layout, text: &str) -> Result<TextDoc> {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for (k, line) in text.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        rows.push(parse_json(line).map_err(|e| Error::input(format!("bad JSON on line {}: {}", k + 1, e.message)))?);
        lines.push(k as u64 + 1);
    }
    let array = main_array(layout).and_then(|f| f.name.as_deref()).map(str::to_string);
    let doc = match &array {
        Some(name) => Doc::Object(vec![(name.clone(), Doc::Array(rows))]),
        None if rows.len() == 1 => rows.remove(0),
        None => {
            return Err(Error::input(format!(
                "JSON Lines input for a layout whose last field is not an array is one line, the whole file; found {} lines",
                rows.len()
            )));
        }
    };
    Ok(TextDoc { doc, origin: Origin::Json, notes: Vec::new(), array, lines, columns: Vec::new(), csv: false })
}

/// One line of CSV cut into cells, and where it starts.
struct Row {
    line: u64,
    cells: Vec<String>,
}

/// Every record of `text` (blank lines skipped).
fn csv_rows(text: &str, delim: Delimiter) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    match delim {
        Delimiter::Byte(d) => {
            // The `csv` crate drops a byte-order mark that starts the text;
            // one left here is the first cell's (the caller dropped the mark).
            let kept;
            let text = if text.starts_with('\u{feff}') {
                kept = format!("\u{feff}{text}");
                kept.as_str()
            } else {
                text
            };
            let mut r = csv_in::quoted_reader(text, d);
            let mut rec = csv::StringRecord::new();
            let mut lines = csv_in::Lines::new(text.as_bytes());
            loop {
                match r.read_record(&mut rec) {
                    Ok(false) => break,
                    Ok(true) => rows.push(Row {
                        line: lines.at(rec.position().map_or(0, |p| p.byte())),
                        cells: rec.iter().map(str::to_string).collect(),
                    }),
                    Err(e) => {
                        let line = e.position().map(|p| lines.at(p.byte()));
                        let pos = line.map_or(String::new(), |l| format!(" (CSV line {l})"));
                        return Err(Error::input(format!("bad CSV{pos}: {e}")));
                    }
                }
            }
        }
        _ => {
            for (k, line) in text.split('\n').enumerate() {
                let mut cells = Vec::new();
                csv_in::plain_cells(line, delim, |c| cells.push(c.to_string()));
                if cells.iter().any(|c| !c.is_empty()) {
                    rows.push(Row { line: k as u64 + 1, cells });
                }
            }
        }
    }
    Ok(rows)
}

/// The columns of a record whose shape the layout alone fixes, in the
/// order `show --format csv` prints them (`name`, `v[0]`, `p.x`): for
/// `--no-header`. `None` when they depend on the data.
fn static_columns(ty: &Type, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>, depth: usize) -> Option<()> {
    if depth > 64 || out.len() > 1 << 16 {
        return None;
    }
    match ty {
        Type::Struct(st) => {
            for it in &st.items {
                match it {
                    Item::Field(f) => {
                        let Some(name) = &f.name else { continue };
                        path.push(Seg::Field(name.clone()));
                        static_columns(&f.ty, path, out, depth + 1)?;
                        path.pop();
                    }
                    Item::Align { .. } | Item::Let { .. } => {}
                    Item::If { .. } => return None,
                }
            }
        }
        Type::Array { elem, dims } => {
            let dims: Vec<u64> = dims
                .exprs()?
                .iter()
                .map(|e| e.constant().and_then(|v| u64::try_from(v).ok()))
                .collect::<Option<_>>()?;
            let n = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d))?;
            for i in 0..n {
                let mut idx = vec![0i64; dims.len()];
                let mut rest = i;
                for (k, &d) in dims.iter().enumerate().rev() {
                    idx[k] = i64::try_from(rest % d).ok()?;
                    rest /= d;
                }
                path.push(Seg::Index(idx));
                static_columns(elem, path, out, depth + 1)?;
                path.pop();
            }
        }
        Type::Ref(r) => static_columns(&*r.target()?, path, out, depth + 1)?,
        Type::Within { inner, .. } => static_columns(inner, path, out, depth + 1)?,
        Type::Match(_) | Type::Bits(_) => return None,
        Type::Scalar(_) | Type::ScalarByOrder { .. } | Type::Char | Type::Text { .. } | Type::Cstr | Type::Enum(..) => {
            out.push(path.clone());
        }
    }
    Some(())
}

/// Turn CSV text into the document `pack` takes: the rows fill the layout's
/// main array (of records, of scalars, or a 2-D matrix written without a
/// header), or, for a layout with no main array, the one row is the file's
/// top-level fields. The other top-level fields must be derivable sizes,
/// `==` constants, or given with `--set` ([`apply_sets`]).
///
/// ```
/// use binmap::pack::input::csv_doc;
/// use binmap::text::csv_in::{CsvOptions, Delimiter};
/// let l = binmap::Layout::parse("r: { a: u8, b: i16 }[..]").unwrap();
/// let opts = CsvOptions { header: false, delimiter: Delimiter::Auto };
/// let t = csv_doc(&l, "1 -2\n3 4\n", &opts).unwrap();
/// let out = binmap::pack::pack(&l, &t.doc, t.origin).unwrap();
/// assert_eq!(out, [1, 0xfe, 0xff, 3, 4, 0]);
/// assert_eq!(t.notes, ["the columns are separated by whitespace (seen in the first line; --delimiter chooses)"]);
/// ```
pub fn csv_doc(layout: &Layout, text: &str, opts: &CsvOptions) -> Result<TextDoc> {
    let target = main_array(layout);
    let elem = match target.map(|f| &f.ty) {
        Some(Type::Array { elem, dims }) => Some((&**elem, dims.exprs().is_some_and(|d| d.len() == 2))),
        _ => None,
    };
    let matrix = matches!(elem, Some((e, true)) if !matches!(e, Type::Struct(_) | Type::Array { .. } | Type::Ref(_)));
    let scalar_rows =
        matches!(elem, Some((e, false)) if !matches!(e, Type::Struct(_) | Type::Array { .. } | Type::Ref(_)));
    // A byte-order mark that starts the text marks the encoding; in a
    // matrix of text (`show` writes no mark) it is the first cell's first character.
    let text_matrix = matrix && matches!(elem, Some((Type::Char | Type::Text { .. }, _)));
    let text = if text_matrix { text } else { text.strip_prefix('\u{feff}').unwrap_or(text) };
    // Cells that hold spaces of their own (timedelta64's `5 seconds`).
    let spaced_matrix = matrix
        && matches!(elem, Some((Type::Scalar(s), _)) if matches!(s.kind, crate::layout::ScalarKind::TimeDelta(_)));
    // Without a header, the columns are the record's fields in order.
    let fields = if opts.header || matrix {
        Vec::new()
    } else {
        let ty = match elem {
            Some((e, _)) => e.clone(),
            None => Type::Struct(layout.root.clone()),
        };
        let mut out = Vec::new();
        static_columns(&ty, &mut Vec::new(), &mut out, 0).ok_or_else(|| {
            Error::input(
                "with --no-header the columns are the record's fields in order, but the layout leaves them to the data (an `if`, a `match`, `bits`, or a sub-array sized by a field): give a header line",
            )
        })?;
        out
    };
    // The delimiter is seen in the first line; not in the cells of a
    // record of one column, nor in a matrix of text, whose spaces and `;`
    // are the text's own.
    let body = text.trim_start_matches(['\n', '\r']);
    let first = &body[..csv_in::first_record_end(body.as_bytes()).unwrap_or(body.len())];
    let delim = match opts.delimiter {
        Delimiter::Auto if text_matrix || spaced_matrix => Delimiter::Byte(b','),
        Delimiter::Auto if !opts.header && fields.len() == 1 => Delimiter::Byte(b','),
        d => d.resolve(first.strip_suffix('\r').unwrap_or(first)),
    };
    let mut notes: Vec<String> = csv_in::delimiter_note(opts.delimiter, delim).into_iter().collect();
    let mut rows = csv_rows(text, delim)?;
    let array = target.and_then(|f| f.name.as_deref()).map(str::to_string);
    let doc_of = |items: Vec<Doc>| match &array {
        Some(name) => Doc::Object(vec![(name.clone(), Doc::Array(items))]),
        None => items.into_iter().next().unwrap_or(Doc::Object(Vec::new())),
    };
    let finish = |doc, lines, columns, notes| TextDoc {
        doc,
        origin: Origin::Text,
        notes,
        array: array.clone(),
        lines,
        columns,
        csv: true,
    };
    if matrix {
        let lines = rows.iter().map(|r| r.line).collect();
        let items = rows.into_iter().map(|r| Doc::Array(r.cells.into_iter().map(Doc::String).collect())).collect();
        let columns = Vec::new();
        return Ok(finish(doc_of(items), lines, columns, notes));
    }
    // The columns: from the header, or the record's fields in order.
    let mut skip = 0usize;
    let header_line = if opts.header && !rows.is_empty() { Some(rows.remove(0)) } else { None };
    let paths: Vec<Vec<Seg>> = match &header_line {
        Some(h) => {
            if h.cells.len() > 1 && h.cells[0].trim().is_empty() && delim != Delimiter::Whitespace {
                skip = 1;
                notes.push(csv_in::INDEX_NOTE.into());
            }
            if scalar_rows {
                vec![Vec::new()]
            } else {
                h.cells[skip..]
                    .iter()
                    .map(|name| {
                        parse_path(name).map_err(|e| {
                            Error::input(format!("bad CSV column name '{name}': {}", e.message))
                                .note(csv_in::place(h.line, None))
                        })
                    })
                    .collect::<Result<_>>()?
            }
        }
        None => fields,
    };
    let names: Vec<String> = match &header_line {
        Some(h) => h.cells[skip..].to_vec(),
        None => paths.iter().map(|p| path_to_string(p)).collect(),
    };
    let columns: Vec<(String, usize, String)> =
        paths.iter().zip(&names).enumerate().map(|(k, (p, n))| (path_to_string(p), k + skip, n.clone())).collect();
    let want = paths.len() + skip;
    if array.is_none() && rows.len() != 1 {
        return Err(Error::input(format!(
            "CSV input for a layout whose last field is not an array is one record, the whole file; found {} records",
            rows.len()
        )));
    }
    let mut items = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        if row.cells.len() != want {
            return Err(csv_in::count_error(row.cells.len(), want, header_line.is_some())
                .note(format!("at {}", at_row(array.as_deref(), i)))
                .note(csv_in::place(row.line, None)));
        }
        lines.push(row.line);
        let mut cells = row.cells.into_iter().skip(skip);
        if scalar_rows {
            items.push(Doc::String(cells.next().unwrap_or_default()));
            continue;
        }
        let mut obj = Doc::Object(Vec::new());
        for (k, (segs, cell)) in paths.iter().zip(cells).enumerate() {
            insert_cell(&mut obj, segs, Doc::String(cell)).map_err(|why| {
                Error::input(format!("column '{}': {why}", names[k]))
                    .note(csv_in::place(row.line, Some((k + skip, &names[k]))))
            })?;
        }
        items.push(obj);
    }
    Ok(finish(doc_of(items), lines, columns, notes))
}

/// `records[3]`, or nothing for the top-level record.
fn at_row(array: Option<&str>, i: usize) -> String {
    array.map_or_else(String::new, |a| format!("{a}[{i}]"))
}

/// Put `value` at `segs` (`coords.x`, `v[2]`, `m[0,1]`) inside `doc`, creating
/// objects and lists on the way; list indexes must come in order.
fn insert_cell(doc: &mut Doc, segs: &[Seg], value: Doc) -> std::result::Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        *doc = value;
        return Ok(());
    };
    match first {
        Seg::Field(name) => {
            let Doc::Object(kv) = doc else { return Err("a field inside a non-record".into()) };
            if !kv.iter().any(|(k, _)| k == &**name) {
                let fresh = match rest.first() {
                    Some(Seg::Index(_) | Seg::Take(_)) => Doc::Array(Vec::new()),
                    Some(Seg::Field(_)) => Doc::Object(Vec::new()),
                    None => Doc::Null,
                };
                kv.push((name.to_string(), fresh));
            }
            let slot = kv.iter_mut().find(|(k, _)| k == &**name).map(|(_, v)| v).ok_or("internal")?;
            insert_cell(slot, rest, value)
        }
        Seg::Index(ix) => {
            let mut cur = doc;
            for (k, &i) in ix.iter().enumerate() {
                let Doc::Array(items) = cur else { return Err("an index inside a non-list".into()) };
                let i = usize::try_from(i).map_err(|_| "negative index".to_string())?;
                if i == items.len() {
                    let last = k + 1 == ix.len();
                    items.push(if !last {
                        Doc::Array(Vec::new())
                    } else {
                        match rest.first() {
                            Some(Seg::Field(_)) => Doc::Object(Vec::new()),
                            Some(Seg::Index(_) | Seg::Take(_)) => Doc::Array(Vec::new()),
                            None => Doc::Null,
                        }
                    });
                } else if i > items.len() {
                    return Err("columns of a sub-array must come in index order".into());
                }
                cur = &mut items[i];
            }
            insert_cell(cur, rest, value)
        }
        Seg::Take(_) => Err("a column name indexes with integers only (v[2], m[0,1])".into()),
    }
}

/// A value given beside the input: `--set info="Flight path..."`.
#[derive(Clone, Debug)]
pub struct SetValue {
    /// The field's path from the top (`info`, `header.version`).
    pub path: Vec<Arc<str>>,
    pub value: Doc,
}

/// Parse `PATH=VALUE`. PATH names a field by its dotted path; VALUE is
/// JSON when it reads as JSON (`5`, `[1, 2]`, `"text"`, `{"hex": "ff"}`),
/// otherwise text. For a text field (`utf8`, `bytes`, `char`, `cstr`) a
/// VALUE that is not a JSON string is the text as written (`--set
/// label=123` is the text `123`).
///
/// ```
/// use binmap::pack::input::parse_set;
/// use binmap::text::json_read::Doc;
/// let l = binmap::Layout::parse("M: i32\ninfo: utf8[M]\nn: u8").unwrap();
/// assert_eq!(parse_set(&l, "info=12").unwrap().value, Doc::String("12".into()));
/// assert_eq!(parse_set(&l, "n=12").unwrap().value, Doc::Number("12".into()));
/// assert!(parse_set(&l, "inf=x").unwrap_err().message.contains("did you mean 'info'?"));
/// ```
pub fn parse_set(layout: &Layout, text: &str) -> Result<SetValue> {
    let Some((p, v)) = text.split_once('=') else {
        return Err(Error::usage(format!("bad --set '{text}': write PATH=VALUE (info=\"Flight path\")")));
    };
    let p = p.trim();
    let path: Vec<Arc<str>> = match parse_path(p)? {
        segs if segs.iter().all(|s| matches!(s, Seg::Field(_))) => segs
            .into_iter()
            .filter_map(|s| match s {
                Seg::Field(n) => Some(n),
                Seg::Index(_) | Seg::Take(_) => None,
            })
            .collect(),
        _ => return Err(Error::usage(format!("bad --set '{text}': PATH is a field's name or dotted path, no index"))),
    };
    let ty = field_type(&layout.root.items, &path, p)?;
    // Text fields (not `void`, whose text is hex, nor the `ascii_*` numbers).
    let texty = matches!(
        ty,
        Type::Char
            | Type::Cstr
            | Type::Text {
                kind: TextKind::Bytes
                    | TextKind::Utf8
                    | TextKind::Ucs4(_)
                    | TextKind::CstrN
                    | TextKind::Ebcdic
                    | TextKind::Utf16(_),
                ..
            }
    );
    let value = match parse_json(v) {
        Ok(d @ Doc::String(_)) => d,
        Ok(d) if !texty => d,
        _ => Doc::String(v.to_string()),
    };
    Ok(SetValue { path, value })
}

/// The type of the field at `path` (names inside structs, `if` blocks too).
fn field_type(items: &[Item], path: &[Arc<str>], whole: &str) -> Result<Type> {
    let Some((first, rest)) = path.split_first() else { return Err(Error::usage("empty --set path")) };
    let mut names = Vec::new();
    let found = find_field(items, first, &mut names);
    let Some(f) = found else {
        let hint = crate::suggest::hint(first, names.iter().map(|s| &**s));
        return Err(Error::usage(format!("--set {whole}: the layout has no field '{first}'{hint}")));
    };
    if rest.is_empty() {
        return Ok(f.ty.clone());
    }
    let mut ty = f.ty.clone();
    if let Type::Ref(r) = &ty
        && let Some(t) = r.target()
    {
        ty = (*t).clone();
    }
    match &ty {
        Type::Struct(st) => field_type(&st.items, rest, whole),
        _ => Err(Error::usage(format!("--set {whole}: '{first}' is not a record"))),
    }
}

fn find_field<'a>(items: &'a [Item], name: &str, names: &mut Vec<Arc<str>>) -> Option<&'a Field> {
    for it in items {
        match it {
            Item::Field(f) if f.name.as_deref() == Some(name) => return Some(f),
            Item::Field(f) => names.extend(f.name.clone()),
            Item::If { body, .. } => {
                if let Some(f) = find_field(body, name, names) {
                    return Some(f);
                }
            }
            Item::Align { .. } | Item::Let { .. } => {}
        }
    }
    None
}

/// Put each `--set` value into `doc` (the file's top-level object),
/// replacing what the input gives there.
///
/// ```
/// use binmap::pack::input::{apply_sets, parse_set};
/// use binmap::text::json_read::parse_json;
/// let l = binmap::Layout::parse("M: i32\ninfo: utf8[M]\nv: u8[..]").unwrap();
/// let mut doc = parse_json(r#"{"v": [1]}"#).unwrap();
/// apply_sets(&mut doc, &[parse_set(&l, "info=hi").unwrap()]).unwrap();
/// assert_eq!(binmap::pack::pack(&l, &doc, binmap::encode::Origin::Json).unwrap(), [2, 0, 0, 0, b'h', b'i', 1]);
/// ```
pub fn apply_sets(doc: &mut Doc, sets: &[SetValue]) -> Result<()> {
    for s in sets {
        let segs: Vec<Seg> = s.path.iter().map(|n| Seg::Field(n.clone())).collect();
        if !matches!(doc, Doc::Object(_)) {
            return Err(Error::input("--set needs the input to be the file's fields (an object), not a list"));
        }
        replace(doc, &segs, s.value.clone())
            .map_err(|why| Error::input(format!("--set {}: {why}", path_to_string(&segs))))?;
    }
    Ok(())
}

/// `insert_cell`, replacing a value that is there.
fn replace(doc: &mut Doc, segs: &[Seg], value: Doc) -> std::result::Result<(), String> {
    if let (Doc::Object(kv), [Seg::Field(name), rest @ ..]) = (&mut *doc, segs)
        && let Some((_, slot)) = kv.iter_mut().find(|(k, _)| k == &**name)
    {
        if rest.is_empty() {
            *slot = value;
            return Ok(());
        }
        if !matches!(slot, Doc::Object(_)) {
            return Err(format!("the input gives '{name}' as a value, not a record"));
        }
        return replace(slot, rest, value);
    }
    insert_cell(doc, segs, value)
}

/// For an error that a field is missing: the top-level fields `doc` leaves
/// out that nothing else can fill in (no `==` constant, not a size), as a
/// hint to give them with `--set` (`info` of flight_path.bml when the
/// input is only the coordinates; `M`, its size, then follows).
///
/// ```
/// use binmap::pack::input::missing_hint;
/// use binmap::text::json_read::parse_json;
/// let l = binmap::Layout::parse("M: i32\nN: i32\ninfo: utf8[M]\nc: f64[N]").unwrap();
/// let doc = parse_json(r#"{"c": [1.5]}"#).unwrap();
/// assert_eq!(missing_hint(&l, &doc).unwrap(), "the input does not give info: give it with --set info=VALUE");
/// ```
pub fn missing_hint(layout: &Layout, doc: &Doc) -> Option<String> {
    let Doc::Object(kv) = doc else { return None };
    let mut sizes = Vec::new();
    crate::map::path_names(&layout.root.items, &mut sizes);
    let missing: Vec<&str> = layout
        .root
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Field(f) if f.check.is_none() && f.constraint.is_none() => f.name.as_deref(),
            _ => None,
        })
        .filter(|n| !sizes.contains(n) && !kv.iter().any(|(k, _)| k == n))
        .collect();
    let (first, rest) = missing.split_first()?;
    let them = if rest.is_empty() { "it" } else { "them" };
    let sets: Vec<String> = missing.iter().map(|n| format!("--set {n}=VALUE")).collect();
    Some(format!(
        "the input does not give {}: give {them} with {}",
        [&[*first], rest].concat().join(", "),
        sets.join(" ")
    ))
}
